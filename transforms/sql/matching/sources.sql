-- Department records prepared for matching: effective sex and birth date.
-- Sex: the record's own, else digit 17 of a valid/converted ID (odd: 男, even: 女).
-- Birth date: the record's own, else digits 7-14 of its ID (also of a damaged ID
-- whose first 14 digits survived).
with raw as (
    select * from _match_src_raw
),

final as (
    select
        src_table,
        src_rid,
        source,
        id_number,
        id_status,
        name,
        name_pinyin,
        coalesce(
            sex_own,
            case
                when id_status in ('valid', 'converted_15')
                    then if(try_cast(substr(id_number, 17, 1) as integer) % 2 = 1, '男', '女')
            end) as sex,
        coalesce(birth_own, id_birth_date) as dob
    from raw
)

select * from final
