-- This run's size of one list.
insert into run_history values ($as_of, $run_at, $list, $rows)
