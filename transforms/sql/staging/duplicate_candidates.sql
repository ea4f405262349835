-- The rows of one table that may be duplicates, found as a batch comes in: those
-- whose key hash repeats within the batch or matches an earlier batch's row.
-- Input: _ingest_batch_hashes(_rid, _hash) of this batch, _ingest_hashes(_rid, _hash)
-- of the table's earlier batches, _ingest_candidates (the candidates so far).
-- Output: _rid and whether the row is an earlier batch's (earlier rows already among
-- the candidates are left out).
with repeated as (
    select _hash
    from _ingest_batch_hashes
    group by _hash
    having count(*) > 1
    union
    select _hash
    from _ingest_hashes
    where _hash in (select _hash from _ingest_batch_hashes)
),

final as (
    select _rid, false as earlier
    from _ingest_batch_hashes
    where _hash in (select _hash from repeated)
    union all
    select _rid, true as earlier
    from _ingest_hashes
    where _hash in (select _hash from repeated)
      and _rid not in (select _rid from _ingest_candidates)
    order by _rid
)

select * from final
