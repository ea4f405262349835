-- Per person in hr/enterprise_pension: paying (a period with 参保状态 参保缴费) and
-- drawing (待遇开始年月 on or before the as-of month), with a phrase for evidence.
with periods as (
    select p.id_number, e.*
    from stg_enterprise_pension as e
    join rule_person_ids as p
        on p.src_table = 'enterprise_pension' and p.src_rid = e._rid
),

final as (
    select
        id_number,
        coalesce(bool_or(status = '参保缴费'), false) as paying,
        coalesce(bool_or(pension_start_month <= $as_of_month), false) as drawing,
        '企业职工养老保险' || string_agg(distinct coalesce(status, '状态不详'), '、' order by coalesce(status, '状态不详'))
            as phrase
    from periods
    group by id_number
)

select * from final
