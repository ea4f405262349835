-- RULES §3 funeral_grants: a participant with a death record and no sign of life who was
-- drawing a pension when they died (status 正常发放/暂停发放, or a payment for the death
-- month or the month before), died on or after the start date, and has no grant row.
-- Whether the account is already closed does not matter.
-- Reads dead_participants and ledger_by_id (built before it by deaths.py).
with dead as (
    select * from dead_participants where death_date >= $funeral_start
),

paid_at_death as (
    -- the latest payment for the death month or the month before it
    select d.id_number, max(b.pay_month) as pay_month
    from dead as d
    join stg_benefit_payments as b on b.id_number = d.id_number
    where b.pay_month between (date_trunc('month', d.death_date) - interval 1 month)::date
                          and date_trunc('month', d.death_date)::date
    group by d.id_number
),

drawing as (
    select
        d.*,
        l.name,
        coalesce(l.township, $unknown_township) as township,
        l.village,
        l.benefit_status,
        pd.pay_month as paid_month
    from dead as d
    join ledger_by_id as l on l.id_number = d.id_number
    left join paid_at_death as pd on pd.id_number = d.id_number
    where l.benefit_status in ('正常发放', '暂停发放')
       or pd.pay_month is not null
),

final as (
    select
        d.id_number,
        d.name,
        d.township,
        d.village,
        'funeral_grant_owed' as reason,
        d.death_evidence
        || '；死亡时正在领取养老金（'
        || case when d.benefit_status in ('正常发放', '暂停发放')
                then '待遇状态' || d.benefit_status
                else strftime(d.paid_month, '%Y-%m') || '仍有待遇发放' end
        || '）；未见丧葬补助金发放记录，应发放丧葬补助金'
        || format('{:,.2f}', $funeral_amount::decimal(18, 2)) || '元' as evidence,
        d.death_date,
        d.death_sources,
        $funeral_amount::decimal(18, 2) as grant_amount
    from drawing as d
    where $grants_present  -- without tonight's grant file everyone would look unpaid
      and not exists (
        select 1 from stg_funeral_grants as g where g.id_number = d.id_number)
)

select * from final
