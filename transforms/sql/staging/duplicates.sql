-- Exact duplicates among the accepted rows of one table (CONTRACT §1).
-- Input: staged_rows(_rid, _file, _row, <one normalised value per configured column>).
-- Output: the _rid of every row to drop, with the row it copies.
-- Rows compare on every normalised value (NULL equals NULL). The first copy by
-- file path, then row, is kept. In a money table ($money_table) a row repeated
-- within one file is kept (it may be a real double payment): only copies across
-- files are dropped. The file holding the most copies of a row keeps all of them
-- (the first such file by path on a tie); its copies in other files are dropped,
-- so a double payment survives whichever file name sorts first.
-- Most rows are unique: only rows whose key hash repeats go through the windows (a
-- hash collision only adds a candidate; the windows compare the keys themselves).
with keyed as (
    select _rid, _file, _row,
           row(*columns(* exclude (_rid, _file, _row))) as _key
    from staged_rows
),

hashed as (
    select *, hash(_key) as _hash
    from keyed
),

repeated as (
    select _hash
    from hashed
    group by _hash
    having count(*) > 1
),

candidates as (
    select _rid, _file, _row, _key
    from hashed
    where _hash in (select _hash from repeated)
),

counted as (
    select *, count(*) over (partition by _key, _file) as copies_in_file
    from candidates
),

ranked as (
    select _rid, _file, _row,
           row_number() over (partition by _key order by _file, _row) as copy_no,
           first_value(_file) over (
               partition by _key order by copies_in_file desc, _file) as kept_file
    from counted
),

final as (
    select _rid, _file, _row
    from ranked
    where case when $money_table then _file <> kept_file else copy_no > 1 end
    order by _rid
)

select * from final
