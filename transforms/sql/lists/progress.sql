-- progress.csv (RULES §6): one row per configured township in config order, then
-- the unknown township only when something counts there.
-- gap_to_target = max(0, ceil(target_rate * eligible) - insured), in exact decimals.
-- completed_this_week: of the completed, those whose earliest contribution of the as-of
-- year was paid in the seven days ending on the as-of date.
-- participation_rate rounds half up, except that it never rounds up to the target while
-- the gap is above 0 (0.97995 with people still missing reads 0.9799, not 0.9800).
with towns as (
    select unnest($townships) as township, generate_subscripts($townships, 1) as ord
),

place as (
    -- any township name outside the configured list counts as the unknown one
    select
        t as township_in,
        if(list_contains($townships, t), t, $unknown_township) as township
    from (select distinct township as t from stg_township_targets
          union select township from rule_ledger
          union select township from rule_residents)
    where t is not null
),

targets as (
    select p.township, sum(t.target) as target
    from (
        select township, target
        from stg_township_targets
        where year = $as_of_year
        qualify row_number() over (
            partition by township order by _extract_date desc nulls last, _rid desc) = 1
    ) as t
    join place as p on p.township_in = t.township
    where $with_targets
    group by p.township
),

first_paid as (
    select id_number, min(pay_date) as first_pay_date
    from stg_contributions
    where year = $as_of_year
    group by id_number
),

completed as (
    select
        p.township,
        count(distinct l.id_number) as completed,
        count(distinct l.id_number) filter (
            where f.first_pay_date between cast($as_of as date) - 6 and cast($as_of as date)
        ) as completed_this_week
    from rule_ledger as l
    join place as p on p.township_in = l.township
    join first_paid as f on f.id_number = l.id_number
    where $with_completed
    group by p.township
),

population as (
    select
        p.township,
        count(*) as eligible,
        count(*) filter (
            where r.ledger_open or r.ledger_drawing or r.enterprise_paying or r.enterprise_drawing
        ) as insured
    from rule_residents as r
    join place as p on p.township_in = r.township
    where $with_population
        and r.age >= $eligible_min
        and not r.has_death_record
    group by p.township
),

all_towns as (
    select township, ord from towns
    union all
    select $unknown_township, (select count(*) from towns) + 1
    where not list_contains($townships, $unknown_township)
        and exists (
            select 1 from (
                select township from targets
                union all select township from completed
                union all select township from population
            ) where township = $unknown_township
        )
),

counted as (
    -- a figure whose sources did not come tonight is empty, not 0 (0 eligible and a gap
    -- of 0 would read as "target reached")
    select
        a.township,
        a.ord,
        t.target,
        case when $with_completed then coalesce(c.completed, 0) end as completed,
        case when $with_completed then coalesce(c.completed_this_week, 0) end
            as completed_this_week,
        case when $with_population then coalesce(p.eligible, 0) end as eligible,
        case when $with_population then coalesce(p.insured, 0) end as insured
    from all_towns as a
    left join targets as t using (township)
    left join completed as c using (township)
    left join population as p using (township)
),

gaps as (
    select
        *,
        -- greatest() skips NULLs: without a population the gap stays empty
        case when eligible is not null
            then cast(greatest(0, ceil($target_rate * eligible) - insured) as integer)
        end as gap
    from counted
),

final as (
    select
        township,
        cast(target as integer) as target,
        cast(completed as integer) as completed,
        cast(completed_this_week as integer) as completed_this_week,
        rl_rate(completed, target) as completion_rate,
        cast(eligible as integer) as eligible,
        cast(insured as integer) as insured,
        case
            when gap > 0 and rl_rate(insured, eligible) >= $target_rate
                then cast($target_rate - 0.0001 as decimal(18, 4))
            else rl_rate(insured, eligible)
        end as participation_rate,
        gap as gap_to_target
    from gaps
)

select * from final
