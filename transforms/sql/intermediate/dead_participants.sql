-- Ledger participants with a death record (matched by any method) and no sign of life:
-- who the two death lists start from. One row per person, from death_persons.
with final as (
    select p.*
    from death_persons as p
    join deaths_by_id as d on d.id_number = p.id_number
    where p.match_method is not null
      and not d.alive_signal
)

select * from final
