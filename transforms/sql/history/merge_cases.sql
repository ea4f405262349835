-- Merge tonight's cases into case_history: a new case is first and last seen tonight; a
-- known one keeps its earliest first_seen and its latest last_seen.
insert into case_history
select list, id_number, reason, key, $as_of, $as_of from current_cases
on conflict do update set
    first_seen = least(first_seen, excluded.first_seen),
    last_seen = greatest(last_seen, excluded.last_seen)
