-- Household-registry residents (户口状态 正常) identified by ID, one row per person
-- (the first registry row), with what the coverage rules ask of them (RULES §6).
-- A township outside the configured list counts under the unknown township.
with registry as (
    select i.id_number, r.*
    from stg_household_registry as r
    join rule_person_ids as i on i.src_table = 'household_registry' and i.src_rid = r._rid
    where r.hukou_status = '正常'
    qualify row_number() over (partition by i.id_number order by r._rid) = 1
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
