-- The status of every raw ID (CONTRACT §1, RULES §1), the SQL twin of
-- transforms/normalise/id.py normalise_id. Input raw_ids(v: raw text, n: the cell held a
-- number), in row order; macros in staging/macro_id.sql. Rows with domain false are
-- recomputed by the Python reference.
with fast as (
    -- most IDs arrive clean: 17 digits and a digit or X
    select v, n, length(v) = 18 and regexp_full_match(v, '[0-9]{17}[0-9X]') as clean18
    from raw_ids
),

cleaned as (
    select v, n, clean18,
        clean18 or id_sql_domain(v) as domain,
        case when clean18 then v else id_sql_clean(v) end as t
    from fast
),

shaped as (
    select *,
        length(t) as len,
        case when clean18 then right(v, 1) <> 'X' else regexp_full_match(t, '[0-9]+') end
            as digits,
        clean18 or (length(t) = 18 and regexp_full_match(t, '[0-9]{17}[0-9X]')) as is18,
        case when not clean18 and length(t) = 15 and regexp_full_match(t, '[0-9]{15}')
             then id_convert15(t) end as converted
    from cleaned
),

prefixed as (
    select *, case when is18 then substr(t, 1, 17)::bigint end as prefix17
    from shaped
),

sci as (
    select *,
        case when is18 then id_birth_date18(t) end as bd18,
        -- a column, not an expression: a macro argument is repeated in every term
        case when is18 then id_check_of(prefix17) end as check_char,
        case when not digits and not is18 and strpos(t, 'E') > 0 then id_sci_digits(t) end
            as sci_digits
    from prefixed
),

final as (
    select domain,
        case
            when t = '' then null
            when digits and n then t
            when converted is not null and id_birth_date(converted) is not null then converted
            when sci_digits is not null then sci_digits
            else t
        end as id_number,
        case
            when t = '' then 'missing'
            when digits and n then 'precision_lost'
            when converted is not null then
                case when id_birth_date(converted) is null then 'invalid_date' else 'converted_15' end
            when is18 and check_char <> substr(t, 18, 1) then
                case when suffix(t, '000') then 'precision_lost' else 'invalid_checksum' end
            when is18 and bd18 is null then 'invalid_date'
            when is18 then 'valid'
            when sci_digits is not null then 'precision_lost'
            else 'invalid_checksum'
        end as status,
        case
            when t = '' then null
            when digits and n then case when len = 18 then id_birth_date(t) end
            when converted is not null then id_birth_date(converted)
            when is18 then bd18
            when sci_digits is not null and length(sci_digits) = 18 then id_birth_date(sci_digits)
        end as birth_date
    from sci
)

select * from final
