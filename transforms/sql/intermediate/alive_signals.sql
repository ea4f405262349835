-- RULES §3 signs of life: a contribution paid, or a medical claim settled, more than
-- $alive_days days after the death date. One row per person and signal source.
with dead as (
    select id_number, death_date
    from death_persons
    where death_date is not null
),

enrolment_person as (
    -- the linked ledger person, else the row's own valid ID; a row waiting in
    -- match_review identifies nobody until it is decided
    select
        e.name,
        e.last_claim_date,
        coalesce(l.ledger_id_number,
                 case when e.id_status in ('valid', 'converted_15') then e.id_number end) as person
    from stg_enrollment as e
    left join match_links as l
        on l.src_table = 'enrollment' and l.src_rid = e._rid
    where l.src_rid is not null
       or not exists (select 1 from match_review as r
                      where r.src_table = 'enrollment' and r.src_rid = e._rid)
),

contribution_signals as (
    select 'pension' as source, c.id_number, c.name, c.pay_date as signal_date, d.death_date
    from stg_contributions as c
    join dead as d on d.id_number = c.id_number
    where date_diff('day', d.death_date, c.pay_date) > $alive_days
),

claim_signals as (
    select 'medical_insurance' as source, e.person as id_number, e.name,
           e.last_claim_date as signal_date, d.death_date
    from enrolment_person as e
    join dead as d on d.id_number = e.person
    where date_diff('day', d.death_date, e.last_claim_date) > $alive_days
),

signals as (
    select * from contribution_signals
    union all
    select * from claim_signals
),

final as (
    select
        id_number,
        source,
        max(signal_date) as signal_date,
        count(*)::integer as signal_count,
        arg_max(name, (signal_date, name)) as source_name,
        any_value(death_date) as death_date,
        date_diff('day', any_value(death_date), max(signal_date))::integer as days_after
    from signals
    group by id_number, source
)

select * from final
