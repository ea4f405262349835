-- RULES §5 refund_overlap, per person and year: the months of a contribution year that an
-- enterprise period also covers (a resident contribution covers all 12 months of its year;
-- an ongoing period runs to the as-of month), and the personal contribution to refund:
-- 个人缴费 x months / 12. `refund_fen12` is that amount exactly, in twelfths of a fen; the
-- list sums it over the years and rounds once, half-up, to the fen (RULES: the sum is rounded).
-- `refund_amount` is the year's share rounded for the evidence line only.
with months as (
    select distinct p.id_number, m.month::date as month
    from enterprise_periods as p,
         unnest(p.periods) as u(period),
         generate_series(u.period.start_month, u.period.end_month, interval 1 month) as m(month)
),

paid_years as (
    select c.id_number, c.year, sum(c.personal_amount) as personal_amount
    from stg_contributions as c
    where c.id_number in (select id_number from enterprise_periods)
    group by c.id_number, c.year
),

per_year as (
    select
        y.id_number,
        y.year,
        coalesce(y.personal_amount, 0)::decimal(18, 2) as personal_amount,
        count(*)::integer as months,
        (coalesce(y.personal_amount, 0) * 100)::bigint as personal_fen
    from paid_years as y
    join months as m on m.id_number = y.id_number and year(m.month) = y.year
    group by y.id_number, y.year, y.personal_amount
),

final as (
    select
        id_number,
        year,
        personal_amount,
        months,
        (sign(personal_fen) * ((abs(personal_fen) * months + 6) // 12))::decimal(18, 0)
            * 0.01::decimal(3, 2) as refund_amount,
        personal_fen * months as refund_fen12
    from per_year
)

select * from final
