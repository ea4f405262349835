-- RULES §3: every death record, with its auto-accepted ledger link when there is one.
-- death_raw (built from config by transforms/rules/deaths.py) holds one row per record
-- whose death rule holds; id_number there is the record's own ID when valid/converted_15.
with raw as (
    select src_table, src_rid, source, id_number, death_date
    from death_raw
),

links as (
    -- auto-accepted links are one per record; keep the best if a matcher ever gives two
    select src_table, src_rid, ledger_id_number, method, score
    from match_links
    qualify row_number() over (
        partition by src_table, src_rid order by score desc, ledger_id_number) = 1
),

final as (
    select
        r.src_table,
        r.src_rid,
        r.source,
        r.id_number,
        l.ledger_id_number,
        l.method,
        l.score,
        r.death_date
    from raw as r
    left join links as l
        on l.src_table = r.src_table and l.src_rid = r.src_rid
)

select * from final
