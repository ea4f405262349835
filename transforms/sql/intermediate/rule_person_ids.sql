-- Whom each department record is about (RULES §2): the ledger ID of its accepted
-- match, else its own valid ID. A record waiting in the review queue identifies
-- nobody until a person decides it; a record with neither is left out.
-- src_table is the configured table name (match_links uses the same).
with links as (
    -- only the links of the tables in records below: enrollment and the death tables
    -- hold about half of match_links, and grouping them was wasted
    select src_table, src_rid, min(ledger_id_number) as ledger_id
    from match_links
    where src_table in ('assistance', 'poverty_monitoring', 'family_planning',
                        'household_registry', 'enterprise_pension')
    group by all
),

pending as (
    select distinct src_table, src_rid
    from match_review
),

records as (
    select 'assistance' as src_table, _rid as src_rid, id_number, id_status
    from stg_assistance
    union all
    select 'poverty_monitoring', _rid, id_number, id_status
    from stg_poverty_monitoring
    union all
    select 'family_planning', _rid, id_number, id_status
    from stg_family_planning
    union all
    select 'household_registry', _rid, id_number, id_status
    from stg_household_registry
    union all
    select 'enterprise_pension', _rid, id_number, id_status
    from stg_enterprise_pension
),

resolved as (
    select
        r.src_table,
        r.src_rid,
        coalesce(
            l.ledger_id,
            case
                when r.id_status in ('valid', 'converted_15') and p.src_rid is null
                    then r.id_number
            end) as id_number,
        l.ledger_id is not null as in_ledger
    from records as r
    left join links as l using (src_table, src_rid)
    left join pending as p using (src_table, src_rid)
),

final as (
    select src_table, src_rid, id_number, in_ledger
    from resolved
    where id_number is not null
)

select * from final
