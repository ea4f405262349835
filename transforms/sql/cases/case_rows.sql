-- RULES §8: every row of tonight's lists as a case: its list, its row in the list table
-- (rowid), the township workbook it goes to, its key (from _case_keys, built from
-- lists_schema.case_key by transforms/cases/registry.py) and its facts (sorted items
-- '<kind>|<value>|...', read by fact_label). Facts are what the rule read from the source records, never a figure
-- that grows with the as-of date (months overpaid, age, overlap months).
with usable_deaths as (
    -- the death records that make someone dead (death_persons: a record still waiting in
    -- match_review counts for nobody)
    select
        coalesce(d.ledger_id_number, d.id_number) as person,
        concat_ws('|', 'death', d.source, coalesce(strftime(d.death_date, '%Y-%m-%d'), ''))
            as item
    from death_records as d
    where coalesce(d.ledger_id_number, d.id_number) is not null
      and (d.ledger_id_number is not null
           or not exists (select 1 from match_review as r
                          where r.src_table = d.src_table and r.src_rid = d.src_rid))
),

death_facts as (
    select person, list_sort(list_distinct(list(item))) as facts
    from usable_deaths
    group by person
),

rows as (
    select 'deceased_accounts' as list, t.rowid as _row, t.township, t.id_number, t.reason,
           coalesce(f.facts, []::varchar[]) as facts
    from list_deceased_accounts as t
    left join death_facts as f on f.person = t.id_number
    union all
    select 'funeral_grants', t.rowid, t.township, t.id_number, t.reason,
           coalesce(f.facts, []::varchar[])
    from list_funeral_grants as t
    left join death_facts as f on f.person = t.id_number
    union all
    select 'lapsed_payers', t.rowid, t.township, t.id_number, t.reason,
           ['last_paid_year|' || coalesce(cast(t.last_paid_year as varchar), '')]
    from list_lapsed_payers as t
    union all
    select 'enterprise_scheme', t.rowid, t.township, t.id_number, t.reason,
           [concat_ws('|', 'enterprise', coalesce(t.enterprise_identity, ''),
                      coalesce(cast(t.enterprise_start as varchar), ''),
                      coalesce(cast(t.enterprise_end as varchar), ''))]
    from list_enterprise_scheme as t
    union all
    select 'special_groups', t.rowid, t.township, t.id_number, t.reason,
           ['category|' || coalesce(t.category, '')]
    from list_special_groups as t
    union all
    select 'contribution_issues', t.rowid, t.township, t.id_number, t.reason,
           [concat_ws('|', 'contribution', coalesce(cast(t.tier as varchar), ''),
                      coalesce(cast(t.expected as varchar), ''),
                      coalesce(cast(t.recorded as varchar), ''))]
    from list_contribution_issues as t
    union all
    select 'unenrolled_residents', t.rowid, t.township, t.id_number, t.reason,
           [concat_ws('|', 'registry', coalesce(t.township, ''), coalesce(t.village, ''))]
    from list_unenrolled_residents as t
    union all
    select 'review_queue', t.rowid, t.township, t.id_number, t.reason,
           coalesce(p.facts, list_sort(list_concat(
               coalesce(f.facts, []::varchar[]),
               [concat_ws('|', 'signal', coalesce(t.source, ''),
                          coalesce(strftime(a.signal_date, '%Y-%m-%d'), ''))])))
    from review_queue as t
    left join _case_review_pairs as p
        on p.src_table = t.src_table and p.src_rid = t.src_rid
       and p.ledger_id_number = t.id_number
    left join alive_signals as a
        on t.src_table is null and a.id_number = t.id_number and a.source = t.source
    left join death_facts as f on t.src_table is null and f.person = t.id_number
),

final as (
    select
        r.list,
        r._row,
        case when list_contains($configured, r.township) then r.township else $unknown end
            as township,
        r.id_number,
        r.reason,
        k.case_key,
        r.facts
    from rows as r
    join _case_keys as k on k.list = r.list and k._row = r._row
)

select * from final
