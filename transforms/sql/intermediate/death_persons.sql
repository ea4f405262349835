-- One row per person with a death record (internal to the deaths rules): the ledger ID
-- when the record is matched, else the record's own valid ID. A record still waiting in
-- match_review (and not auto-linked) counts for nobody until it is decided (RULES §7).
with pending as (
    select distinct src_table, src_rid
    from match_review
),

usable as (
    select
        d.*,
        coalesce(d.ledger_id_number, d.id_number) as person,
        list_position($death_priority, d.source) as priority
    from death_records as d
    left join pending as p
        on p.src_table = d.src_table and p.src_rid = d.src_rid
    where coalesce(d.ledger_id_number, d.id_number) is not null
      and (d.ledger_id_number is not null or p.src_rid is null)
),

per_source as (
    -- within one source the earliest date stands for that source
    select person, source, min(priority) as priority, min(death_date) as source_date
    from usable
    group by person, source
),

persons as (
    select
        person as id_number,
        arg_min(source_date, priority) filter (where source_date is not null) as death_date,
        string_agg(source, '|' order by source) as death_sources,
        coalesce(date_diff('day', min(source_date), max(source_date)) > $conflict_days,
                 false) as date_conflict,
        string_agg(
            case source
                when 'public_security' then '公安户籍注销（死亡）'
                when 'health' then '卫健死亡证明'
                when 'civil_affairs' then '民政火化记录'
                when 'medical_insurance' then '医保终止参保（死亡）'
                else source
            end || coalesce(strftime(source_date, '%Y-%m-%d'), '（日期不详）'),
            '；' order by priority, source) as death_evidence
    from per_source
    group by person
),

best_link as (
    -- the method shown on the lists: the strongest link of the person's death records, in
    -- the order of RULES §2 (id, id15, id_repaired, name_dob), then the source priority
    select person, method, score
    from usable
    where ledger_id_number is not null
    qualify row_number() over (
        partition by person
        order by list_position($method_strength, method),
            priority, score desc, src_table, src_rid) = 1
),

final as (
    select
        p.id_number,
        p.death_date,
        p.death_sources,
        p.date_conflict,
        exists (select 1 from stg_participants as s where s.id_number = p.id_number) as in_ledger,
        b.method as match_method,
        b.score as match_score,
        p.death_evidence
    from persons as p
    left join best_link as b on b.person = p.id_number
)

select * from final
