-- RULES §3 deceased_accounts: a ledger participant matched to a death record, no sign
-- of life, account still open. The death month is still paid; later months are overpaid.
-- The overpayment is recovered from the account balance first; the rest is inheritable.
-- Reads dead_participants and ledger_by_id (built before it by deaths.py).
with open_accounts as (
    select
        d.*,
        l.name,
        coalesce(l.township, $unknown_township) as township,
        l.village,
        l.benefit_status,
        l.account_balance
    from dead_participants as d
    join ledger_by_id as l on l.id_number = d.id_number
    where coalesce(l.enrol_status, '') <> '终止参保'
       or l.benefit_status in ('正常发放', '暂停发放')
),

payments as (
    select
        a.id_number,
        count(b.pay_month) filter (
            where b.pay_month > date_trunc('month', a.death_date)::date)::integer as months,
        coalesce(sum(b.amount) filter (
            where b.pay_month > date_trunc('month', a.death_date)::date), 0)::decimal(18, 2)
            as amount,
        max(b.pay_month) as last_paid_month
    from open_accounts as a
    left join stg_benefit_payments as b on b.id_number = a.id_number
    group by a.id_number
),

figures as (
    select
        a.*,
        case when $payments_present then p.last_paid_month end as last_paid_month,
        case when $payments_present and a.death_date is not null then p.months end
            as months_overpaid,
        case when $payments_present and a.death_date is not null then p.amount end
            as overpaid_amount
    from open_accounts as a
    join payments as p on p.id_number = a.id_number
),

phrased as (
    select
        f.*,
        format('{:,.2f}', f.account_balance) as bal_txt,
        format('{:,.2f}', f.overpaid_amount) as over_txt,
        case
            when f.death_date is null then ''
            when f.death_date >= $inheritable_since then '（含政府补贴）'
            else '（政府补贴部分不予继承）'
        end as subsidy_txt,
        case f.match_method
            when 'id' then '身份证号一致'
            when 'id15' then '15位身份证号升位后一致'
            when 'id_repaired' then '身份证号校验位有误，修正一位后与台账一致且姓名相同'
            when 'name_dob' then '姓名及出生日期一致'
            when 'manual' then '乡镇核实确认为同一人'
        end as method_txt
    from figures as f
),

final as (
    select
        id_number,
        name,
        township,
        village,
        'deceased' as reason,
        death_evidence || '；' || method_txt
        || case when date_conflict
                then '；各来源死亡日期相差超过' || $conflict_days || '天，请核实死亡日期'
                else '' end
        || '；' || case
            when not $payments_present then
                '未收到待遇发放明细，无法计算多发金额'
                || coalesce('；个人账户余额' || bal_txt || '元', '')
            when death_date is null then
                '死亡日期不详，无法计算多发月数'
                || coalesce('；个人账户余额' || bal_txt || '元', '')
            when months_overpaid = 0 then
                '死亡次月起无多发'
                || coalesce('；个人账户余额' || bal_txt || '元可依法继承' || subsidy_txt,
                            '；个人账户余额不详')
            when account_balance is null then
                '死亡次月起多发' || months_overpaid || '个月共' || over_txt
                || '元，应先从个人账户余额中扣回（余额不详）'
            when overpaid_amount <= account_balance then
                '死亡次月起多发' || months_overpaid || '个月共' || over_txt
                || '元，先从个人账户余额' || bal_txt || '元中扣回，余额'
                || format('{:,.2f}', account_balance - overpaid_amount) || '元可依法继承'
                || subsidy_txt
            else
                '死亡次月起多发' || months_overpaid || '个月共' || over_txt
                || '元，个人账户余额' || bal_txt || '元全部扣回后仍差'
                || format('{:,.2f}', overpaid_amount - account_balance)
                || '元，需向继承人追回，无可继承余额'
        end as evidence,
        death_date,
        death_sources,
        match_method,
        benefit_status,
        last_paid_month,
        months_overpaid,
        overpaid_amount,
        account_balance::decimal(18, 2) as account_balance,
        date_conflict
    from phrased
)

select * from final
