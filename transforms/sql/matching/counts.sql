-- Records per department table and how they were decided, for logs and the manifest.
-- kind: 'link' (key = method), 'review' (key = reason), 'records', 'unmatched'.
-- A record is decided by one step only, linked once or in review (decisions.sql), and a
-- link is its record's only row (id_exact joins the ledger's one row per ID; id_repaired
-- and name_dob link only a single candidate): links are counted as rows, the review's
-- records (a row per candidate) as distinct ones, and the undecided records are the
-- rest, so no distinct or anti-join runs over the 3 M links of 2 M people.
with records as (
    select src_table, count(*) as n from _match_src group by src_table
),

links as (
    select src_table, 'link' as outcome, method as key, count(*) as n
    from _match_decisions
    where outcome = 'link'
    group by all
),

reviews as (
    select src_table, outcome, reason as key, count(distinct src_rid) as n
    from _match_decisions
    where outcome <> 'link'
    group by all
),

review_records as (
    select src_table, count(distinct src_rid) as n
    from _match_decisions
    where outcome <> 'link'
    group by src_table
),

undecided as (
    select
        r.src_table,
        r.n - coalesce(l.n, 0) - coalesce(v.n, 0) as n
    from records as r
    left join (select src_table, sum(n) as n from links group by src_table) as l using (src_table)
    left join review_records as v using (src_table)
),

final as (
    select src_table, 'records' as kind, 'records' as key, n from records
    union all
    select src_table, outcome as kind, key, n from links
    union all
    select src_table, outcome as kind, key, n from reviews
    union all
    select src_table, 'unmatched' as kind, 'unmatched' as key, n from undecided
    where n > 0
)

select * from final
order by src_table, kind, key
