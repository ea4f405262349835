-- unenrolled_residents (RULES §6): residents aged contribute_min..contribute_max, no
-- death record, in neither scheme. No source tells students apart, so ages up to
-- student_max carry 可能为在校学生.
with residents as (
    select * from rule_residents
    where $run
),

final as (
    select
        id_number,
        name,
        township,
        village,
        'unenrolled' as reason,
        '公安户籍正常'
            || if(township_raw is distinct from township and township_raw is not null,
                  '（登记乡镇' || township_raw || '）', '')
            || '，' || age || '岁；未参加城乡居民养老保险'
            || coalesce('（台账参保状态：' || ledger_status || '）', '')
            || '；' || coalesce(enterprise_phrase, '无企业职工养老保险参保记录')
            || if(age <= $student_max, '；可能为在校学生', '') as evidence,
        cast(age as integer) as age
    from residents
    where age between $age_min and $age_max
        and not has_death_record
        and not ledger_open
        and not enterprise_paying
        and not enterprise_drawing
)

select * from final
