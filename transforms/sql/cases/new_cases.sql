-- RULES §8: tonight's cases the registry does not know yet, numbered per list after the
-- list's last serial, in a fixed order (township, then key), so that a killed and
-- rerun night numbers them the same.
with tonight as (
    select list, case_key, min(township) as township
    from _case_rows
    group by list, case_key
),

fresh as (
    select t.*
    from tonight as t
    where not exists (select 1 from cases as c
                      where c.list = t.list and c.case_key = t.case_key)
),

last_serial as (
    select list, max(serial) as serial
    from cases
    group by list
),

final as (
    select
        f.list,
        f.case_key,
        (coalesce(s.serial, 0)
         + row_number() over (partition by f.list order by f.township, f.case_key))::integer
            as serial
    from fresh as f
    left join last_serial as s on s.list = f.list
)

select * from final
