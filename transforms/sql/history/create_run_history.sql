-- run_history: one row per run and list (docs/architecture.md, between runs).
create table if not exists run_history (
    as_of date,
    run_at timestamp,
    list varchar,
    "rows" bigint
)
