-- contribution_issues (RULES §4): one row per (contribution row, issue).
-- $enabled lists the issues whose sources came tonight.
with contrib as not materialized (
    select
        _rid, id_number, name, year, tier, personal_amount, provincial_subsidy,
        county_subsidy, gov_paid, pay_date, channel,
        coalesce(personal_amount, 0) + coalesce(gov_paid, 0) as paid_total
    from stg_contributions
),

year_tiers as (
    select year, min(tier) as min_tier, max(tier) as max_tier
    from policy_tiers
    group by year
),

year_tier_set as (
    select distinct year, tier from policy_tiers
),

tier_bands as (
    -- the subsidy band of every (year, tier) paid: the lowest band holding the tier. Chosen
    -- on these few pairs, so that every contribution row joins at most one row below.
    select k.year, k.tier, b.provincial, b.county
    from (select distinct year, tier from contrib) as k
    join policy_bands as b
        on b.year = k.year and k.tier between b.min_tier and b.max_tier
    qualify row_number() over (
        partition by k.year, k.tier
        order by b.min_tier, b.max_tier, b.provincial, b.county) = 1
),

special_tier_rows as (
    -- the rows paid at the year's special tier by someone in a special group or the
    -- tuopin list that year: the only rows whose special_tier_allowed is read (two
    -- lookups on (ID, year) for every contribution row were a third of this list's
    -- time on 2 M people)
    select c._rid
    from contrib as c
    join policy_year as y on y.year = c.year and c.tier = y.special_tier
    where exists (
            select 1 from special_group_members as s
            where s.id_number = c.id_number and s.year = c.year
        ) or exists (
            select 1 from tuopin_members as tp
            where tp.id_number = c.id_number and tp.year = c.year
        )
),

checked as (
    select
        c.*,
        y.special_tier,
        yt.min_tier,
        yt.max_tier,
        coalesce(t.tier is not null or c.tier = y.special_tier, false) as valid_tier,
        b.provincial as band_provincial,
        b.county as band_county,
        c._rid in (select _rid from special_tier_rows) as special_tier_allowed
    from contrib as c
    left join policy_year as y on y.year = c.year
    left join year_tiers as yt on yt.year = c.year
    left join year_tier_set as t on t.year = c.year and t.tier = c.tier
    left join tier_bands as b on b.year = c.year and b.tier = c.tier
),

members_ever as (
    select id_number, string_agg(distinct detail, '；' order by detail) as details
    from special_group_members
    group by id_number
),

pending_group as (
    -- ledger candidates of a group-list record still in the review queue (RULES §7): their
    -- eligibility for the special tier is undecided, so tier_100_not_eligible waits
    select distinct ledger_id_number as id_number
    from match_review
    where src_table in ('assistance', 'poverty_monitoring', 'family_planning')
),

described as (
    select
        ch.*,
        '个人缴费' || rl_yuan(ch.personal_amount) || '，政府代缴' || rl_yuan(coalesce(ch.gov_paid, 0))
            || coalesce('，缴费日期' || strftime(ch.pay_date, '%Y-%m-%d'), '')
            || coalesce('，' || ch.channel, '') as paid_note,
        e.details as ever_details
    from checked as ch
    left join members_ever as e using (id_number)
),

issues as (
    select
        _rid, 'invalid_tier' as issue, cast(null as decimal(18, 2)) as expected,
        tier as recorded,
        year || '年度缴费档次' || rl_yuan(tier) || '不是该年度的缴费档次'
            || if(min_tier is null, '（无该年度政策）', '（应为' || rl_yuan(min_tier) || '至'
                || rl_yuan(max_tier) || '各档，特殊群体及脱贫人口可选' || rl_yuan(special_tier) || '档）')
            || '；' || paid_note as evidence
    from described
    where not valid_tier

    union all
    select
        _rid, 'tier_100_not_eligible', null, tier,
        year || '年度按' || rl_yuan(tier) || '档缴费（' || paid_note
            || '），但该年度不在民政、乡村振兴、卫健的特殊群体或脱贫人口名单中'
            || coalesce('（名单记录：' || ever_details || '）', '')
            || '；应按' || rl_yuan(min_tier) || '及以上档次缴费'
    from described
    where valid_tier and tier = special_tier and not special_tier_allowed
        and id_number not in (select id_number from pending_group)

    union all
    select
        _rid, 'amount_mismatch', tier, paid_total,
        year || '年度缴费档次' || rl_yuan(tier) || '，个人缴费' || rl_yuan(personal_amount)
            || '+政府代缴' || rl_yuan(coalesce(gov_paid, 0)) || '=' || rl_yuan(paid_total)
            || '，相差' || rl_yuan(abs(tier - paid_total))
    from described
    where paid_total <> tier

    union all
    select
        _rid, 'provincial_subsidy_mismatch', band_provincial, provincial_subsidy,
        year || '年度' || rl_yuan(tier) || '档省级补贴应为' || rl_yuan(band_provincial)
            || '，台账记录为' || if(provincial_subsidy is null, '空', rl_yuan(provincial_subsidy))
    from described
    where valid_tier and band_provincial is not null
        and provincial_subsidy is distinct from band_provincial

    union all
    select
        _rid, 'county_subsidy_mismatch', band_county, county_subsidy,
        year || '年度' || rl_yuan(tier) || '档县级补贴应为' || rl_yuan(band_county)
            || '，台账记录为' || if(county_subsidy is null, '空', rl_yuan(county_subsidy))
    from described
    where valid_tier and band_county is not null
        and county_subsidy is distinct from band_county
),

final as (
    select
        c.id_number,
        coalesce(p.name, c.name) as name,
        coalesce(p.township, $unknown_township) as township,
        p.village,
        i.issue as reason,
        i.evidence,
        c.year,
        c.tier,
        i.issue,
        cast(i.expected as decimal(18, 2)) as expected,
        cast(i.recorded as decimal(18, 2)) as recorded,
        -- internal (not exported): the contribution row (stg_contributions._rid), for the
        -- case key
        c._rid as contribution_rid
    from issues as i
    join contrib as c using (_rid)
    left join rule_ledger as p using (id_number)
    where list_contains($enabled, i.issue)
)

select * from final
