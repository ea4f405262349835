-- Checks the rules could not run tonight, with why (manifest, report).
with checks as (
    select distinct "check", reason
    from skipped_checks
),

final as (
    select * from checks
)

select * from final
order by "check", reason
