-- The most frequent quarantine reasons: rows, whole files, and where they came from.
with quarantined as (
    select
        reason,
        coalesce(source, '-') || '/' || coalesce("table", '-') as origin,
        file,
        "row"
    from quarantine
),

by_reason as (
    select
        reason,
        count(*) filter (where "row" is not null) as rows,
        count(*) filter (where "row" is null) as whole_files,
        count(distinct file) as files,
        string_agg(distinct origin, '、' order by origin) as tables
    from quarantined
    group by reason
),

final as (
    select * from by_reason
)

select * from final
order by rows + whole_files desc, reason
limit $top
