-- progress.xlsx 缴费渠道: the as-of year's contribution rows per township (the payer's
-- ledger township, as `completed` counts them; not configured or not in the ledger:
-- the unknown township) and channel (a channel outside the notice's six: 其他).
with paid as (
    select
        c.channel,
        l.township
    from stg_contributions as c
    left join rule_ledger as l on l.id_number = c.id_number
    where c.year = $as_of_year
),

final as (
    select
        if(list_contains($townships, township), township, $unknown_township) as township,
        if(list_contains($channels, channel), channel, $other_channel) as channel,
        count(*) as contributions
    from paid
    group by all
)

select * from final
order by township, channel
