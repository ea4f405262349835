-- The Chinese phrase for why a department record's ID could not be used directly
-- (statuses of transforms/normalise/id.py).
create or replace temp macro match_id_status_phrase(status) as
    case status
        when 'missing' then '身份证号缺失'
        when 'invalid_checksum' then '身份证号校验位不符'
        when 'invalid_date' then '身份证号出生日期无效'
        when 'precision_lost' then '身份证号被Excel截断'
        else '身份证号无效'
    end
