-- Exact duplicates among the accepted rows of one table (CONTRACT §1).
-- Input: staged_rows(_rid, _file, _row, <one normalised value per configured column>).
-- Output: the _rid of every row to drop, with the row it copies.
-- Rows compare on every normalised value (NULL equals NULL). The first copy by
-- file path, then row, is kept. In a money table ($money_table) a row repeated
-- within one file is kept (it may be a real double payment): only the copies in
-- files after the first file that holds the row are dropped.
with keyed as (
    select _rid, _file, _row,
           row(*columns(* exclude (_rid, _file, _row))) as _key
    from staged_rows
),

ranked as (
    select _rid, _file, _row,
           row_number() over (partition by _key order by _file, _row) as copy_no,
           min(_file) over (partition by _key) as first_file
    from keyed
),

final as (
    select _rid, _file, _row
    from ranked
    where case when $money_table then _file <> first_file else copy_no > 1 end
    order by _rid
)

select * from final
