-- architecture.md: one row per person with a death record. "No death record" in any
-- rule means no row here for the person's ID.
with persons as (
    select id_number, death_date, death_sources, date_conflict, in_ledger
    from death_persons
),

signalled as (
    select distinct id_number
    from alive_signals
),

final as (
    select
        p.id_number,
        p.death_date,
        p.death_sources,
        p.date_conflict,
        p.in_ledger,
        s.id_number is not null as alive_signal
    from persons as p
    left join signalled as s on s.id_number = p.id_number
)

select * from final
