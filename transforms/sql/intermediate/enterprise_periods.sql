-- The enterprise-scheme periods of ledger participants (auto-accepted links only), with
-- the person's summary: earliest start, latest end (NULL when any period is ongoing),
-- the 参保身份 of the latest period. Internal to the enterprise rules.
with linked as (
    select
        l.ledger_id_number as id_number,
        e._rid,
        e.identity,
        e.status,
        e.start_month,
        e.end_month,
        e.pension_start_month,
        e.employer
    from stg_enterprise_pension as e
    join match_links as l
        on l.src_table = 'enterprise_pension' and l.src_rid = e._rid
),

final as (
    select
        id_number,
        min(start_month) as enterprise_start,
        case when bool_or(end_month is null) then null else max(end_month) end
            as enterprise_end,
        arg_max(identity, (start_month, _rid)) as enterprise_identity,
        bool_or(status = '参保缴费') as paying,
        min(start_month) filter (where status = '参保缴费') as paying_since,
        min(pension_start_month) as pension_start_month,
        list({'start_month': start_month,
              'end_month': coalesce(end_month, $as_of_month)}) as periods
    from linked
    group by id_number
)

select * from final
