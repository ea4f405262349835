-- lapsed_payers (RULES §4): open participants who should pay for the as-of year and
-- have not. Years missed run from the year after the last one paid (or from the
-- enrolment year: a year before enrolment is never missed) to the as-of year.
-- $run is false when the ledger tables did not come tonight (empty list).
with open_ledger as (
    -- who should pay for the as-of year and has no contribution row of it: found by
    -- joins on the ID, before any contribution is grouped (grouping every payer's rows
    -- by ID was half of this list's time on 2 M people)
    select l.*
    from rule_ledger as l
    where l.enrol_status in ('正常参保', '暂停缴费')
        and l.benefit_status = '未领取'
        and l.age between $age_min and $age_max
        and not exists (
            select 1 from stg_contributions as s
            where s.id_number = l.id_number and s.year = $as_of_year
        )
        and not exists (select 1 from deaths_by_id as d where d.id_number = l.id_number)
        and not exists (
            select 1 from rule_enterprise_status as e where e.id_number = l.id_number and e.paying
        )
        and not exists (
            select 1 from special_group_members as s
            where s.id_number = l.id_number and s.year = $as_of_year
        )
),

paid as (
    -- the last year paid up to the as-of year, of these people only
    select id_number, max(year) as last_paid_year
    from stg_contributions
    where year <= $as_of_year
        and id_number in (select id_number from open_ledger)
    group by id_number
),

candidates as (
    select
        l.*,
        p.last_paid_year,
        year(l.enrol_date) as enrol_year,
        -- first year counted as missed; clamped to the as-of year (an enrolment
        -- date after it is a ledger error, but this year is still unpaid)
        least(
            greatest(
                coalesce(p.last_paid_year + 1, year(l.enrol_date), $as_of_year),
                coalesce(year(l.enrol_date), 0)),
            $as_of_year) as first_missed
    from open_ledger as l
    left join paid as p using (id_number)
),

last_tier as (
    -- the tier of each candidate's last paid year: only the candidates' rows of that
    -- year are grouped (rule_ledger has one row per ID), not every (ID, year) of the
    -- table (0.24 s of 0.27 on 300k people)
    select c.id_number, max(s.tier) as tier, coalesce(max(s.gov_paid), 0) > 0 as gov_paid
    from stg_contributions as s
    join candidates as c on c.id_number = s.id_number and s.year = c.last_paid_year
    group by c.id_number
),

counted as (
    select
        c.*,
        t.tier as last_tier,
        t.gov_paid as last_gov_paid,
        $as_of_year - c.first_missed + 1 as years_missed,
        if(c.first_missed < $as_of_year, 'lapsed', 'unpaid_this_year') as reason
    from candidates as c
    left join last_tier as t using (id_number)
),

final as (
    select
        id_number,
        name,
        township,
        village,
        reason,
        $as_of_year || '年度未缴费；'
            || case
                when last_paid_year is not null
                    then '上次缴费' || last_paid_year || '年度（' || rl_yuan(last_tier) || '档'
                        || if(last_gov_paid, '，政府代缴', '') || '）'
                when enrol_date is not null
                    then strftime(enrol_date, '%Y-%m') || '参保后从未缴费'
                else '参保日期不详，从未缴费'
            end
            || if(years_missed > 1, '；连续' || years_missed || '年未缴', '')
            || if(reason = 'lapsed', '；按中断当年（' || first_missed || '年度）缴费标准续缴', '')
            || if(enrol_status = '暂停缴费', '；台账参保状态：暂停缴费', '') as evidence,
        cast(age as integer) as age,
        cast(last_paid_year as integer) as last_paid_year,
        cast(years_missed as integer) as years_missed
    from counted
    where $run
)

select * from final
