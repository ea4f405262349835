-- Every decision in order of precedence. Each step only sees records the earlier
-- steps could not decide (ID statuses are disjoint between id/id15, id_repaired and
-- name_dob, and name_dob skips what id_repaired decided), so a record appears under
-- one method only: linked once, or in review, never both.
with decided as (
    select * from _match_dec_id
    union all
    select * from _match_dec_repaired
    union all
    select * from _match_dec_name_dob
),

final as (
    select * from decided
)

select * from final
