-- RULES §7: every undecided case, one row per (source record, ledger candidate), with what
-- a person needs to decide it: the source record as given and the ledger candidate.
-- match_review rows (fuzzy_match, id_name_mismatch, ambiguous id_repaired) plus the signs
-- of life after a death (alive_signal_after_death, built by the deaths rules).
with ledger as (
    select *, coalesce(birth_date, id_birth_date) as born
    from ledger_by_id
),

registry as (
    -- only the people with a sign of life after a death (the one reader, signal_rows)
    select id_number, name, township, village
    from stg_household_registry
    where id_status in ('valid', 'converted_15')
        and id_number in (select id_number from alive_signals)
    qualify row_number() over (partition by id_number order by _rid) = 1
),

source_label as (
    select * from (values
        ('household_registry', '公安户籍记录'),
        ('cremations', '民政火化记录'),
        ('assistance', '民政救助名单'),
        ('death_certificates', '卫健死亡证明'),
        ('family_planning', '卫健计生名单'),
        ('enrollment', '医保参保记录'),
        ('enterprise_pension', '人社企业职工养老保险记录'),
        ('poverty_monitoring', '乡村振兴防返贫监测名单')
    ) as t(src_table, label)
),

cases as (
    select
        m.*,
        coalesce(sl.label, m.source || '/' || m.src_table) as label,
        s.id_raw,
        s.id_status,
        s.name as record_name,
        s.birth_date as record_birth,
        d.death_date as record_death
    from match_review as m
    left join review_source_records as s
        on s.src_table = m.src_table and s.src_rid = m.src_rid
    left join death_records as d
        on d.src_table = m.src_table and d.src_rid = m.src_rid
    left join source_label as sl on sl.src_table = m.src_table
),

match_rows as (
    select
        c.ledger_id_number as id_number,
        coalesce(l.name, c.source_name) as name,
        coalesce(l.township, $unknown_township) as township,
        l.village,
        c.reason,
        c.label || '：身份证号'
        || coalesce(c.id_raw, c.source_id_number, '缺失')
        || case c.id_status
               when 'invalid_checksum' then '（校验位错误）'
               when 'precision_lost' then '（科学计数法，后几位丢失）'
               when 'invalid_date' then '（出生日期无效）'
               when 'converted_15' then '（15位）'
               else '' end
        || '，姓名' || coalesce(c.record_name, c.source_name, '缺失')
        || coalesce('，出生日期' || strftime(c.record_birth, '%Y-%m-%d'), '')
        || coalesce('，死亡日期' || strftime(c.record_death, '%Y-%m-%d'), '')
        || '；台账候选人：身份证号' || c.ledger_id_number
        || '，姓名' || coalesce(l.name, '缺失')
        || coalesce('，出生日期' || strftime(l.born, '%Y-%m-%d'), '')
        || coalesce('，参保状态' || l.enrol_status, '')
        || coalesce('，待遇状态' || l.benefit_status, '')
        || coalesce('；比对结果：' || c.evidence, '')
        || '；' || case c.reason
               when 'fuzzy_match' then '姓名相近或同名同生日，需人工确认是否同一人'
               when 'id_name_mismatch' then '身份证号一致但姓名不符，需核实是否同一人'
               when 'id_repaired' then '身份证号校验位错误，修正一位后对应台账多人，需人工确认'
               else c.reason end as evidence,
        c.source,
        coalesce(c.source_id_number, c.id_raw) as source_id_number,
        coalesce(c.source_name, c.record_name) as source_name,
        c.score,
        -- internal (not exported): the source record, for the case key
        c.src_table,
        c.src_rid
    from cases as c
    left join ledger as l on l.id_number = c.ledger_id_number
),

signal_rows as (
    select
        a.id_number,
        coalesce(l.name, r.name, a.source_name) as name,
        coalesce(l.township, r.township, $unknown_township) as township,
        coalesce(l.village, r.village) as village,
        'alive_signal_after_death' as reason,
        p.death_evidence || '；但'
        || case a.source when 'pension' then '城乡居保缴费日期' else '医保最近结算日期' end
        || strftime(a.signal_date, '%Y-%m-%d') || '（死亡后' || a.days_after || '天，超过'
        || $alive_days || '天'
        || case when a.signal_count > 1 then '，共' || a.signal_count || '笔' else '' end
        || '），存在生存迹象，请核实是否死亡；核实前不列入死亡名单' as evidence,
        a.source,
        a.id_number as source_id_number,
        a.source_name,
        null::double as score,
        null::varchar as src_table,
        null::bigint as src_rid
    from alive_signals as a
    join death_persons as p on p.id_number = a.id_number
    left join ledger as l on l.id_number = a.id_number
    left join registry as r on r.id_number = a.id_number
),

final as (
    select * from match_rows
    union all
    select * from signal_rows
)

select * from final
