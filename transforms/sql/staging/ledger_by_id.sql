-- The ledger row that stands for each ID, when the ledger repeats one (a participant who
-- moved village keeps a closed row beside the open one): an open account first, then one
-- drawing a pension, then the latest enrolment, then the first row. Every stage that
-- reads "the participant with this ID" reads this view.
with final as (
    select *
    from stg_participants
    where id_number is not null
    qualify row_number() over (
        partition by id_number
        order by
            enrol_status is not distinct from '终止参保',
            coalesce(benefit_status in ('正常发放', '暂停发放'), false) desc,
            enrol_date desc nulls last,
            _rid
    ) = 1
)

select * from final
