-- Every row of tonight's lists as a case key: (list, id_number, reason, key).
-- `key` tells two rows of one person apart on a list (year, source record).
with cases as (
    select 'deceased_accounts' as list, id_number, reason, '' as key from list_deceased_accounts
    union all
    select 'funeral_grants', id_number, reason, '' from list_funeral_grants
    union all
    select 'lapsed_payers', id_number, reason, '' from list_lapsed_payers
    union all
    select 'enterprise_scheme', id_number, reason, '' from list_enterprise_scheme
    union all
    select 'special_groups', id_number, reason, cast(year as varchar) from list_special_groups
    union all
    select 'contribution_issues', id_number, reason, cast(year as varchar) || '/' || tier
    from list_contribution_issues
    union all
    select 'unenrolled_residents', id_number, reason, '' from list_unenrolled_residents
    union all
    select 'review_queue', id_number, reason, source || '/' || coalesce(source_id_number, source_name, '')
    from review_queue
),

final as (
    select distinct list, id_number, reason, key from cases
)

select * from final
