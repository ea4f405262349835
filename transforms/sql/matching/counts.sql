-- Records per department table and how they were decided, for logs and the manifest.
-- kind: 'link' (key = method), 'review' (key = reason), 'records', 'unmatched'.
with records as (
    select src_table, count(*) as n from _match_src group by src_table
),

decided as (
    select src_table, outcome, if(outcome = 'link', method, reason) as key,
        count(distinct src_rid) as n
    from _match_decisions
    group by all
),

undecided as (
    select s.src_table, count(*) as n
    from _match_src as s
    where not exists (
        select 1 from _match_decisions as d
        where d.src_table = s.src_table and d.src_rid = s.src_rid)
    group by s.src_table
),

final as (
    select src_table, 'records' as kind, 'records' as key, n from records
    union all
    select src_table, outcome as kind, key, n from decided
    union all
    select src_table, 'unmatched' as kind, 'unmatched' as key, n from undecided
)

select * from final
order by src_table, kind, key
