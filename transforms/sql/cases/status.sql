-- RULES §8: per case raised tonight, its case_status, whether a decision holds it off
-- its list, and what the evidence line adds. Depends only on tonight's facts, the
-- earlier as-of dates' listings and the decisions in force (_case_decisions_now), so a
-- rerun of the same as-of date gives the same result.
with per_case as (
    select
        r.list,
        r.case_key,
        c.case_id,
        min(r.township) as township,
        min(r.reason) as reason,
        list_sort(list_distinct(flatten(list(r.facts)))) as facts
    from _case_rows as r
    join cases as c on c.list = r.list and c.case_key = r.case_key
    group by r.list, r.case_key, c.case_id
),

earlier as (
    select case_id, bool_or(listed) as listed_before
    from case_listings
    where as_of < $as_of
    group by case_id
),

joined as (
    select
        p.*,
        coalesce(e.listed_before, false) as listed_before,
        d.answer,
        d.decided_as_of,
        coalesce(d.judged_facts <> p.facts, false) as changed,
        list_filter(p.facts, lambda x: not list_contains(coalesce(d.judged_facts, p.facts), x))
            as added,
        list_filter(coalesce(d.judged_facts, []::varchar[]), lambda x: not list_contains(p.facts, x))
            as removed
    from per_case as p
    left join earlier as e on e.case_id = p.case_id
    left join _case_decisions_now as d on d.case_id = p.case_id
),

final as (
    select
        list,
        case_key,
        case_id,
        township,
        facts,
        case
            when answer in ('不属实', '否', '是') and not changed then true
            when answer = '已处理' and $as_of < decided_as_of + $grace_days::integer then true
            else false
        end as held,
        case
            when answer = '属实' then 'confirmed'
            when answer in ('不属实', '否', '是') then 'reopened'
            when answer = '已处理' then 'persisting'
            when listed_before then 'persisting'
            else 'new'
        end as case_status,
        case
            when answer in ('不属实', '否', '是') then
                '；乡镇于' || strftime(decided_as_of, '%Y-%m-%d')
                || case
                       when answer = '不属实' then '核查为不属实'
                       when reason = 'alive_signal_after_death' and answer = '否' then '核实本人健在'
                       when reason = 'alive_signal_after_death' then '核实本人已死亡'
                       when answer = '否' then '核实不是同一人'
                       else '确认为同一人'
                   end
                || '，此后情况有变化：'
                || concat_ws('；',
                       nullif('新增' || array_to_string(list_transform(added, lambda x: fact_label(x)), '、'),
                              '新增'),
                       nullif('不再有' || array_to_string(list_transform(removed, lambda x: fact_label(x)), '、'),
                              '不再有'))
            when answer = '已处理' then
                '；乡镇于' || strftime(decided_as_of, '%Y-%m-%d') || '报已处理，台账尚未变更'
            else ''
        end as evidence_note
    from joined
)

select * from final
