-- The ledger, one row per ID (the first row when an ID repeats), for the death lists.
with final as (
    select *
    from stg_participants
    where id_number is not null
    qualify row_number() over (partition by id_number order by _rid) = 1
)

select * from final
