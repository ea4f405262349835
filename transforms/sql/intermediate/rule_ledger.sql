-- One row per ledger participant (ledger_by_id: the row that stands for a repeated ID),
-- with the facts every contribution, special-group and coverage rule reads.
with participants as (
    select * from ledger_by_id
),

final as (
    select
        id_number,
        name,
        coalesce(township, $unknown_township) as township,
        village,
        enrol_status,
        benefit_status,
        subsidy_category,
        enrol_date,
        coalesce(rl_id_birth(id_number), birth_date) as birth_date,
        rl_age(coalesce(rl_id_birth(id_number), birth_date), $as_of) as age,
        enrol_status is distinct from '终止参保' as is_open,
        benefit_status in ('正常发放', '暂停发放') as is_drawing
    from participants
)

select * from final
