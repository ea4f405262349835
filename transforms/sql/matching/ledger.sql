-- Ledger participants prepared for matching, one row per ID (ledger_by_id; the caller
-- logs how many rows of repeated IDs were set aside).
with raw as (
    select * from _match_ledger_raw
    where id_status in ('valid', 'converted_15') and id_number is not null
),

one_per_id as (
    -- the row that stands for a repeated ID: see sql/staging/ledger_by_id.sql
    select *
    from raw
    where ledger_rid in (select _rid from ledger_by_id)
),

final as (
    select
        ledger_rid,
        id_number,
        name,
        name_pinyin,
        coalesce(
            sex_own,
            if(try_cast(substr(id_number, 17, 1) as integer) % 2 = 1, '男', '女')) as sex,
        birth_own,
        id_birth_date
    from one_per_id
)

select * from final
