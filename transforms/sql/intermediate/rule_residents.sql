-- Household-registry residents (户口状态 正常) identified by ID, one row per person
-- (the first registry row), with what the coverage rules ask of them (RULES §6).
-- A township outside the configured list counts under the unknown township.
with first_rows as (
    -- the first registry row of each person, chosen on (ID, row) pairs: a window over
    -- the whole rows cost DuckDB an arg_min over every column
    select i.id_number, min(r._rid) as _rid
    from stg_household_registry as r
    join rule_person_ids as i on i.src_table = 'household_registry' and i.src_rid = r._rid
    where r.hukou_status = '正常'
    group by i.id_number
),

registry as (
    select f.id_number, r.*
    from first_rows as f
    join stg_household_registry as r on r._rid = f._rid
),

final as (
    select
        r.id_number,
        r.name,
        if(list_contains($townships, r.township), r.township, $unknown_township) as township,
        r.village,
        r.township_raw,
        rl_age(coalesce(rl_id_birth(r.id_number), r.birth_date), $as_of) as age,
        exists (select 1 from deaths_by_id as d where d.id_number = r.id_number) as has_death_record,
        coalesce(l.is_open, false) as ledger_open,
        coalesce(l.is_drawing, false) as ledger_drawing,
        l.enrol_status as ledger_status,
        coalesce(e.paying, false) as enterprise_paying,
        coalesce(e.drawing, false) as enterprise_drawing,
        e.phrase as enterprise_phrase
    from registry as r
    left join rule_ledger as l using (id_number)
    left join rule_enterprise_status as e using (id_number)
)

select * from final
