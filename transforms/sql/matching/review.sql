-- match_review: one row per (department record, ledger candidate) a person must decide.
with review as (
    select * from _match_decisions where outcome = 'review'
),

final as (
    select
        r.src_table::varchar as src_table,
        r.src_rid::bigint as src_rid,
        s.source::varchar as source,
        s.id_number::varchar as source_id_number,
        s.name::varchar as source_name,
        r.ledger_rid::bigint as ledger_rid,
        r.ledger_id_number::varchar as ledger_id_number,
        r.reason::varchar as reason,
        r.score::double as score,
        r.evidence::varchar as evidence
    from review as r
    inner join _match_src as s on s.src_table = r.src_table and s.src_rid = r.src_rid
)

select * from final
order by src_table, src_rid, ledger_rid
