-- RULES §8: a sign of life answered 否 (alive) sets aside the person's death records
-- that the township saw (the death items of the judged facts); a new record counts.
delete from death_records as d
using _case_decisions_now as n
where n.list = 'review_queue'
  and n.reason = 'alive_signal_after_death'
  and n.answer = '否'
  and coalesce(d.ledger_id_number, d.id_number) = n.id_number
  and list_contains(
      n.judged_facts,
      concat_ws('|', 'death', d.source, coalesce(strftime(d.death_date, '%Y-%m-%d'), '')))
