-- 脱贫人口 (not 返贫致贫) of rural_revitalization/poverty_monitoring, for every
-- policy year: they may use the special tier but pay it themselves (RULES §4).
with years as (
    select year from policy_year
),

final as (
    select distinct i.id_number, y.year
    from stg_poverty_monitoring as m
    join rule_person_ids as i on i.src_table = 'poverty_monitoring' and i.src_rid = m._rid
    cross join years as y
    where m.category = '脱贫人口'
)

select * from final
