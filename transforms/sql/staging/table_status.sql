-- One row per configured table: did a readable file come tonight, how many
-- rows were staged, is it stale (every readable file of it is stale).
-- Inputs: configured_tables(ord, "table", source, "rows") and ingest_files.
with readable as (
    select "table", count(*) as files, bool_and(stale) as stale
    from ingest_files
    where status = 'ok'
    group by "table"
),

final as (
    select c."table",
           c.source,
           r.files is not null as present,
           coalesce(r.files, 0)::integer as files,
           c."rows"::bigint as "rows",
           coalesce(r.stale, false) as stale
    from configured_tables as c
    left join readable as r using ("table")
    order by c.ord
)

select * from final
