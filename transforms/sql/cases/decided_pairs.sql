-- The review pairs of tonight's match_review whose decision in force still holds: the
-- pair's facts (both records' IDs, names, birth dates) equal those judged.
with final as (
    select p.src_table, p.src_rid, p.ledger_id_number, d.answer, d.decided_as_of
    from _case_review_pairs as p
    join _case_decisions_now as d
        on d.list = 'review_queue' and d.case_key = p.case_key
    where d.answer in ('是', '否')
      and d.judged_facts is not distinct from p.facts
)

select * from final
