-- match_links: auto-accepted links only (docs/architecture.md stage 2).
with links as (
    select * from _match_decisions where outcome = 'link'
),

final as (
    select
        src_table::varchar as src_table,
        src_rid::bigint as src_rid,
        ledger_rid::bigint as ledger_rid,
        ledger_id_number::varchar as ledger_id_number,
        method::varchar as method,
        score::double as score,
        evidence::varchar as evidence
    from links
)

select * from final
order by src_table, src_rid, ledger_rid
