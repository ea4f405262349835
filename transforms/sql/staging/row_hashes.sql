-- The key hash of every row of one batch: what duplicates.sql compares, hashed.
-- Input: staged_rows(_rid, _file, _row, <one normalised value per configured column>).
-- Equal keys give equal hashes; a hash shared by unequal keys only adds a candidate
-- (duplicates.sql compares the keys themselves).
with final as (
    select _rid, hash(row(*columns(* exclude (_rid, _file, _row)))) as _hash
    from staged_rows
)

select * from final
