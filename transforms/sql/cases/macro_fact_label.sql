-- The Chinese reading of one fact item (sql/cases/case_rows.sql builds the items as
-- '<kind>|<value>|...'), for the evidence line of a reopened case.
create or replace macro fact_label(item) as
    case split_part(item, '|', 1)
        when 'death' then
            case split_part(item, '|', 2)
                when 'public_security' then '公安户籍注销（死亡）'
                when 'health' then '卫健死亡证明'
                when 'civil_affairs' then '民政火化记录'
                when 'medical_insurance' then '医保终止参保（死亡）'
                else split_part(item, '|', 2)
            end || coalesce(nullif(split_part(item, '|', 3), ''), '（日期不详）')
        when 'signal' then
            case split_part(item, '|', 2)
                when 'pension' then '城乡居保缴费' else '医保结算' end
            || split_part(item, '|', 3)
        when 'last_paid_year' then
            coalesce('最后缴费年度' || nullif(split_part(item, '|', 2), ''), '无缴费记录')
        when 'enterprise' then
            '企业职工养老保险' || coalesce('（' || nullif(split_part(item, '|', 2), '') || '）', '')
            || split_part(item, '|', 3) || '至'
            || coalesce(nullif(split_part(item, '|', 4), ''), '今')
        when 'category' then '人员类别' || split_part(item, '|', 2)
        when 'contribution' then
            '缴费档次' || split_part(item, '|', 2)
            || coalesce('，应为' || nullif(split_part(item, '|', 3), ''), '')
            || coalesce('，实际' || nullif(split_part(item, '|', 4), ''), '')
        when 'registry' then '户籍' || split_part(item, '|', 2) || split_part(item, '|', 3)
        when 'src' then
            '来源记录身份证号' || coalesce(nullif(split_part(item, '|', 2), ''), '缺失')
            || '，姓名' || split_part(item, '|', 3)
            || coalesce('，出生日期' || nullif(split_part(item, '|', 4), ''), '')
        when 'ledger' then
            '台账候选人身份证号' || split_part(item, '|', 2)
            || '，姓名' || split_part(item, '|', 3)
            || coalesce('，出生日期' || nullif(split_part(item, '|', 4), ''), '')
        else item
    end;
