-- Every file found in the inbox, as manifest.json `inputs` and the report list them.
with files as (
    select
        file,
        source,
        "table",
        sha256,
        extract_date,
        "read",
        accepted,
        quarantined,
        duplicates,
        status,
        reason,
        stale
    from ingest_files
),

final as (
    select * from files
)

select * from final
order by file, source, "table"
