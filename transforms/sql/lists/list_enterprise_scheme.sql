-- RULES §5 (人社部发〔2014〕17号): one row per (participant, action).
-- seal: enterprise period 参保缴费 while the resident account is 正常参保.
-- refund_overlap: contribution-year months an enterprise period also covers (overlap_years).
-- terminate_dual_pension: drawing an enterprise pension while the resident one is 正常发放;
--   recover the basic pension paid from the enterprise pension's first month on.
-- candidate: open, under pension age, active employee medical insurance, no enterprise row.
with ledger as (
    select
        *,
        -- the ID's birth date first, as every other age (rule_ledger)
        coalesce(id_birth_date, birth_date) as born
    from ledger_by_id
),

people as (
    select
        p.*,
        l.name,
        coalesce(l.township, $unknown_township) as township,
        l.village,
        l.enrol_status,
        l.benefit_status,
        strftime(p.enterprise_start, '%Y-%m') || '至'
        || coalesce(strftime(p.enterprise_end, '%Y-%m'), '今') as span_txt
    from enterprise_periods as p
    join ledger as l on l.id_number = p.id_number
),

seal as (
    select
        p.*,
        'seal' as action,
        null::integer as overlap_months,
        null::decimal(18, 2) as refund_amount,
        null::decimal(18, 2) as recover_amount,
        '人社企业职工养老保险参保缴费（' || p.enterprise_identity || '，'
        || strftime(p.paying_since, '%Y-%m') || '起）；城乡居保参保状态' || p.enrol_status
        || '；同一时期不得重复参保，城乡居保关系应封存，暂不退费' as evidence
    from people as p
    where p.paying and p.enrol_status = '正常参保'
),

overlap as (
    select
        id_number,
        sum(months)::integer as overlap_months,
        -- one rounding, of the exact sum (half-up, in fen)
        (sign(sum(refund_fen12)) * ((abs(sum(refund_fen12)) + 6) // 12))::decimal(18, 0)
            * 0.01::decimal(3, 2) as refund_amount,
        string_agg(year || '年' || months || '个月（个人缴费' || format('{:,.2f}', personal_amount)
                   || '元×' || months || '/12）',
                   '、' order by year) as years_txt
    from overlap_years
    group by id_number
),

refund as (
    select
        p.*,
        'refund_overlap' as action,
        o.overlap_months,
        o.refund_amount,
        null::decimal(18, 2) as recover_amount,
        '人社企业职工养老保险缴费' || p.span_txt || '（' || p.enterprise_identity
        || '）与城乡居保缴费年度重叠：' || o.years_txt || '，共' || o.overlap_months
        || '个月；重叠月份只计企业职工养老保险，应退还城乡居保个人缴费'
        || format('{:,.2f}', o.refund_amount) || '元；重叠期间的政府补贴退回基金，不退个人'
            as evidence
    from people as p
    join overlap as o on o.id_number = p.id_number
    where o.overlap_months > 0
),

recovered as (
    select
        p.id_number,
        count(b.pay_month)::integer as months,
        sum(coalesce(b.basic_pension, y.basic_pension_monthly))::decimal(18, 2) as amount
    from people as p
    join stg_benefit_payments as b
        on b.id_number = p.id_number and b.pay_month >= p.pension_start_month
    left join policy_year as y on y.year = year(b.pay_month)
    group by p.id_number
),

dual as (
    select
        p.*,
        'terminate_dual_pension' as action,
        null::integer as overlap_months,
        null::decimal(18, 2) as refund_amount,
        case when $payments_present then coalesce(r.amount, 0) end::decimal(18, 2)
            as recover_amount,
        '人社企业职工养老保险自' || strftime(p.pension_start_month, '%Y-%m')
        || '起领取待遇，城乡居保待遇状态仍为' || p.benefit_status
        || '；应终止城乡居保关系，'
        || case when $payments_present
                then '追回' || strftime(p.pension_start_month, '%Y-%m') || '起已发基础养老金'
                     || coalesce(r.months, 0) || '个月共'
                     || format('{:,.2f}', coalesce(r.amount, 0)) || '元'
                else '未收到待遇发放明细，应追回的基础养老金待核算' end
        || '；个人账户养老金不追回，个人账户余额扣除政府补贴后退还本人' as evidence
    from people as p
    left join recovered as r on r.id_number = p.id_number
    where p.pension_start_month is not null and p.benefit_status = '正常发放'
),

employee_medical as (
    select
        l.ledger_id_number as id_number,
        string_agg(distinct e.employer, '、' order by e.employer) as employers
    from stg_enrollment as e
    join match_links as l on l.src_table = 'enrollment' and l.src_rid = e._rid
    where e.insurance_type = '职工基本医疗保险' and e.status = '参保缴费'
    group by l.ledger_id_number
),

any_enterprise as (
    -- linked, under review, or carrying the person's own ID: any of them is "a row"
    select ledger_id_number as id_number from match_links
    where src_table = 'enterprise_pension'
    union
    select ledger_id_number from match_review where src_table = 'enterprise_pension'
    union
    select id_number from stg_enterprise_pension where id_number is not null
),

candidate as (
    select
        l.id_number,
        l.name,
        coalesce(l.township, $unknown_township) as township,
        l.village,
        'candidate' as action,
        null::varchar as enterprise_identity,
        null::date as enterprise_start,
        null::date as enterprise_end,
        null::integer as overlap_months,
        null::decimal(18, 2) as refund_amount,
        null::decimal(18, 2) as recover_amount,
        '医保职工基本医疗保险参保缴费' || coalesce('（单位：' || m.employers || '）', '')
        || '；人社无企业职工养老保险参保记录；用人单位应为其缴纳企业职工养老保险'
            as evidence
    from ledger as l
    join employee_medical as m on m.id_number = l.id_number
    where $candidate_enabled
      and coalesce(l.enrol_status, '') <> '终止参保'
      and date_diff('year', l.born, $as_of)
          - case when strftime(l.born, '%m%d') > strftime($as_of, '%m%d') then 1 else 0 end
          < $pension_age
      and l.id_number not in (select id_number from any_enterprise where id_number is not null)
      and l.id_number not in (select id_number from deaths_by_id)
),

actions as (
    select id_number, name, township, village, action, enterprise_identity, enterprise_start,
           enterprise_end, overlap_months, refund_amount, recover_amount, evidence
    from seal
    union all
    select id_number, name, township, village, action, enterprise_identity, enterprise_start,
           enterprise_end, overlap_months, refund_amount, recover_amount, evidence
    from refund
    union all
    select id_number, name, township, village, action, enterprise_identity, enterprise_start,
           enterprise_end, overlap_months, refund_amount, recover_amount, evidence
    from dual
    union all
    select id_number, name, township, village, action, enterprise_identity, enterprise_start,
           enterprise_end, overlap_months, refund_amount, recover_amount, evidence
    from candidate
),

final as (
    select
        id_number,
        name,
        township,
        village,
        action as reason,
        evidence,
        action,
        enterprise_identity,
        enterprise_start,
        enterprise_end,
        overlap_months,
        refund_amount,
        recover_amount
    from actions
)

select * from final
