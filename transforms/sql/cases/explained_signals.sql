-- RULES §8: a sign of life answered 是 (dead: the sign is explained) lets the death
-- stand: the signs of that source up to the latest the township saw no longer count.
delete from alive_signals as a
using _case_decisions_now as n
where n.list = 'review_queue'
  and n.reason = 'alive_signal_after_death'
  and n.answer = '是'
  and a.id_number = n.id_number
  and a.source = split_part(n.case_key, '|', 3)  -- key: id|reason|source|src_table|src_rid
  and a.signal_date <= list_max(list_transform(
      list_filter(n.judged_facts, lambda f: split_part(f, '|', 1) = 'signal'
                                      and split_part(f, '|', 2) = a.source),
      lambda f: try_cast(split_part(f, '|', 3) as date)))
