-- Special groups per year (RULES §4): the county pays the minimum tier for them.
-- civil_affairs/assistance counts for the years its period [start, end or ongoing]
-- touches; poverty monitoring (返贫致贫人口) and family planning have no period and
-- count for every policy year. `detail` is the evidence phrase of the membership.
with years as (
    select year from policy_year
),

ids as (
    select src_table, src_rid, id_number from rule_person_ids
),

assistance as (
    select
        i.id_number,
        case a.category
            when '城乡低保' then '低保对象'
            when '特困供养' then '特困人员'
            when '重度残疾' then '重度残疾人'
        end as category,
        a.start_month,
        a.end_month,
        '民政' || a.category || ' ' || case
            when a.end_month is null
                then coalesce(strftime(a.start_month, '%Y-%m') || '起至今', '至今在册（开始年月不详）')
            else coalesce(strftime(a.start_month, '%Y-%m'), '开始年月不详') || '至'
                || strftime(a.end_month, '%Y-%m')
        end as detail
    from stg_assistance as a
    join ids as i on i.src_table = 'assistance' and i.src_rid = a._rid
    where a.category in ('城乡低保', '特困供养', '重度残疾')
),

assistance_years as (
    select a.id_number, a.category, y.year, 'civil_affairs' as source, a.detail
    from assistance as a
    join years as y
        on (a.start_month is null or year(a.start_month) <= y.year)
        and (a.end_month is null or year(a.end_month) >= y.year)
),

poverty_years as (
    select i.id_number, '返贫致贫人口' as category, y.year, 'rural_revitalization' as source,
        '乡村振兴返贫致贫人口' as detail
    from stg_poverty_monitoring as m
    join ids as i on i.src_table = 'poverty_monitoring' and i.src_rid = m._rid
    cross join years as y
    where m.category = '返贫致贫人口'
),

family_years as (
    select i.id_number, '计生两证户' as category, y.year, 'health' as source,
        '卫健计生两证户' || coalesce('（' || f.category || '）', '') as detail
    from stg_family_planning as f
    join ids as i on i.src_table = 'family_planning' and i.src_rid = f._rid
    cross join years as y
),

final as (
    select distinct id_number, category, year, source, detail from assistance_years
    union
    select id_number, category, year, source, detail from poverty_years
    union
    select id_number, category, year, source, detail from family_years
)

select * from final
