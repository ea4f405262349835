-- special_groups (RULES §4): one row per (person, reason, year).
-- $enabled lists the reasons whose sources came tonight.
with category_order as (
    select * from (values
        ('低保对象', 1), ('特困人员', 2), ('重度残疾人', 3), ('返贫致贫人口', 4), ('计生两证户', 5)
    ) as t(category, ord)
),

memberships as (
    select distinct s.id_number, s.year, s.category, s.detail, o.ord
    from special_group_members as s
    join category_order as o using (category)
),

members_now as (
    -- special groups of the as-of year: the first category in the order of RULES §4
    select
        id_number,
        arg_min(category, ord) as category,
        string_agg(detail, '；' order by ord, detail) as details
    from (select distinct id_number, category, detail, ord from memberships
          where year = $as_of_year)
    group by id_number
),

members_ever as (
    select id_number, string_agg(detail, '；' order by ord, detail) as details
    from (select distinct id_number, detail, ord from memberships)
    group by id_number
),

special_tier as (
    select special_tier from policy_year where year = $as_of_year
),

dead as (
    select distinct id_number from deaths_by_id
),

pending_group as (
    -- ledger candidates of a group-list record still in the review queue (RULES §7): until
    -- it is decided, nobody can say they are in no special group
    select distinct ledger_id_number as id_number
    from match_review
    where src_table in ('assistance', 'poverty_monitoring', 'family_planning')
),

paid_now as (
    select
        id_number,
        max(coalesce(gov_paid, 0)) as max_gov,
        sum(personal_amount) as personal,
        max(tier) as tier
    from stg_contributions
    where year = $as_of_year
        -- read for the group members only (not every payer of the year)
        and id_number in (select id_number from members_now)
    group by id_number
),

not_enrolled as (
    select
        m.id_number,
        'not_enrolled' as reason,
        m.details || '；' || rl_age(coalesce(rl_id_birth(m.id_number), l.birth_date), $as_of)
            || '岁，未参加城乡居民养老保险'
            || coalesce('（台账参保状态：' || l.enrol_status || '）', '')
            || '；应办理参保，由县财政代缴' || coalesce(rl_yuan((select special_tier from special_tier)), '最低档')
            || '档' as evidence,
        m.category,
        $as_of_year as year
    from members_now as m
    left join rule_ledger as l using (id_number)
    where rl_age(coalesce(rl_id_birth(m.id_number), l.birth_date), $as_of)
            between $age_min and $age_max
        and not exists (select 1 from dead where dead.id_number = m.id_number)
        and not coalesce(l.is_open, false)
        and not exists (
            select 1 from rule_enterprise_status as e
            where e.id_number = m.id_number and e.paying
        )
),

not_paid_by_county as (
    select
        m.id_number,
        'not_paid_by_county' as reason,
        m.details || '；' || $as_of_year || '年度' || case
            when p.id_number is null then '无缴费记录，也无政府代缴记录'
            when p.max_gov = 0 then '个人缴费' || rl_yuan(p.personal) || '（' || rl_yuan(p.tier)
                || '档），无政府代缴记录'
            else '政府代缴仅' || rl_yuan(p.max_gov) || '，不足' || rl_yuan($county_paid_min)
        end
        -- RULES §4 does not exclude a death record here; say so, so the officer checks first
        || if(exists (select 1 from dead where dead.id_number = m.id_number),
              '；注意：有死亡记录，请先核实是否已死亡', '') as evidence,
        m.category,
        $as_of_year as year
    from members_now as m
    join rule_ledger as l using (id_number)
    left join paid_now as p using (id_number)
    where l.is_open
        and l.benefit_status = '未领取'
        and l.age < $pension_age
        and coalesce(p.max_gov, 0) < $county_paid_min
),

county_paid_years as (
    select id_number, year, sum(gov_paid) as gov, max(tier) as tier
    from stg_contributions
    where gov_paid > 0
    group by id_number, year
),

county_paid_not_eligible as (
    select
        c.id_number,
        'county_paid_not_eligible' as reason,
        c.year || '年度政府代缴' || rl_yuan(c.gov) || '（' || rl_yuan(c.tier)
            || '档），但该年度民政、乡村振兴、卫健名单均无其特殊群体记录'
            || coalesce('；台账代缴类别：' || l.subsidy_category, '')
            || if(exists (
                select 1 from tuopin_members as t where t.id_number = c.id_number and t.year = c.year
            ), '；该年度为脱贫人口，县财政不再代缴', '')
            || coalesce('；名单记录：' || e.details, '') as evidence,
        l.subsidy_category as category,
        c.year
    from county_paid_years as c
    left join rule_ledger as l using (id_number)
    left join members_ever as e using (id_number)
    where not exists (
        select 1 from special_group_members as s
        where s.id_number = c.id_number and s.year = c.year
    )
        and c.id_number not in (select id_number from pending_group)
),

ledger_category_unsupported as (
    select
        l.id_number,
        'ledger_category_unsupported' as reason,
        '台账代缴类别：' || l.subsidy_category || '，但' || $as_of_year
            || '年度民政、乡村振兴、卫健名单均无其特殊群体记录'
            || coalesce('；名单记录：' || e.details, '')
            || if(exists (
                select 1 from tuopin_members as t
                where t.id_number = l.id_number and t.year = $as_of_year
            ), '；为脱贫人口（可选' || coalesce(rl_yuan((select special_tier from special_tier)), '最低')
                || '档，但县财政不再代缴）', '') as evidence,
        l.subsidy_category as category,
        $as_of_year as year
    from rule_ledger as l
    left join members_ever as e using (id_number)
    where l.subsidy_category is not null
        and not exists (select 1 from members_now as m where m.id_number = l.id_number)
        and l.id_number not in (select id_number from pending_group)
),

rows_ as (
    select * from not_enrolled
    union all select * from not_paid_by_county
    union all select * from county_paid_not_eligible
    union all select * from ledger_category_unsupported
),

listed_records as (
    -- the department records of the people on the list (before any join with them)
    select src_table, src_rid, id_number
    from rule_person_ids
    where id_number in (select id_number from rows_)
),

directory as (
    -- where to find a person who may not be in the ledger: the registry first,
    -- then the ledger, then the department list that names them
    select id_number, name, township, village
    from (
        select i.id_number, r.name, r.township, r.village, 1 as ord, r._rid
        from stg_household_registry as r
        join listed_records as i on i.src_table = 'household_registry' and i.src_rid = r._rid
        where r.hukou_status = '正常'
        union all
        select id_number, name, township, village, 2, 0 from rule_ledger
        union all
        select i.id_number, a.name, a.township, null, 3, a._rid
        from stg_assistance as a
        join listed_records as i on i.src_table = 'assistance' and i.src_rid = a._rid
        union all
        select i.id_number, m.name, m.township, null, 4, m._rid
        from stg_poverty_monitoring as m
        join listed_records as i on i.src_table = 'poverty_monitoring' and i.src_rid = m._rid
        union all
        select i.id_number, f.name, f.township, null, 5, f._rid
        from stg_family_planning as f
        join listed_records as i on i.src_table = 'family_planning' and i.src_rid = f._rid
    )
    -- only the people on the list (the window would otherwise run over every registry row)
    where id_number in (select id_number from rows_)
    qualify row_number() over (partition by id_number order by ord, _rid) = 1
),

final as (
    select
        r.id_number,
        coalesce(l.name, d.name, c.name) as name,
        coalesce(if(r.reason = 'not_enrolled', d.township, l.township), l.township, d.township,
            $unknown_township) as township,
        if(r.reason = 'not_enrolled', d.village, l.village) as village,
        r.reason,
        r.evidence,
        r.category,
        cast(r.year as integer) as year
    from rows_ as r
    left join rule_ledger as l using (id_number)
    left join directory as d using (id_number)
    left join (
        select id_number, name from stg_contributions
        where id_number in (select id_number from rows_)
        qualify row_number() over (partition by id_number order by _rid) = 1
    ) as c using (id_number)
    where list_contains($enabled, r.reason)
)

select * from final
