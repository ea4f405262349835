-- How many of tonight's cases (current_cases) were never listed before.
with new_cases as (
    select c.*
    from current_cases as c
    where not exists (
        select 1 from case_history as h
        where (h.list, h.id_number, h.reason, h.key) = (c.list, c.id_number, c.reason, c.key)
    )
),

final as (
    select count(*) as new_cases from new_cases
)

select * from final
