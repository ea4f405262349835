-- Birth dates a ledger participant can be found under: the ledger's own birth date
-- and the one in the ID (they normally agree; a typo in either should not hide them).
with dates as (
    select ledger_rid, birth_own as dob from _match_ledger where birth_own is not null
    union
    select ledger_rid, id_birth_date as dob from _match_ledger where id_birth_date is not null
),

final as (
    select ledger_rid, dob from dates
)

select * from final
