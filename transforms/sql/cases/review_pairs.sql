-- RULES §8: the review pairs of match_review as cases. A pair is named by its source
-- record (table, ID as given, name, birth date) and its ledger candidate; its facts are
-- the two records' IDs, names and birth dates. Read by the cases step (review_queue
-- rows) and by the match hook (a decided pair becomes a manual link or is rejected).
-- Needs review_source_records (transforms.rules.review.source_records_sql) and
-- ledger_by_id.
with pairs as (
    select
        m.src_table,
        m.src_rid,
        m.ledger_id_number,
        m.reason,
        m.source,
        coalesce(m.source_id_number, s.id_raw, '') as src_id,
        coalesce(s.name, m.source_name, '') as src_name,
        coalesce(strftime(s.birth_date, '%Y-%m-%d'), '') as src_birth,
        coalesce(l.name, '') as cand_name,
        coalesce(strftime(coalesce(l.birth_date, l.id_birth_date), '%Y-%m-%d'), '') as cand_birth
    from match_review as m
    left join review_source_records as s
        on s.src_table = m.src_table and s.src_rid = m.src_rid
    left join ledger_by_id as l on l.id_number = m.ledger_id_number
),

final as (
    select
        src_table,
        src_rid,
        ledger_id_number,
        reason,
        source,
        concat_ws('|', src_id, src_name, src_birth) as source_record,
        -- the review_queue key (lists_schema.case_key: id_number, reason, source,
        -- src_table, src_rid), src_rid read as the record as given (registry.py)
        concat_ws('|', coalesce(ledger_id_number, ''), coalesce(reason, ''),
                  coalesce(source, ''), coalesce(src_table, ''),
                  concat_ws('|', src_id, src_name, src_birth)) as case_key,
        list_sort([
            concat_ws('|', 'src', src_id, src_name, src_birth),
            concat_ws('|', 'ledger', ledger_id_number, cand_name, cand_birth)
        ]) as facts
    from pairs
)

select * from final
