"""What the warehouse keeps between runs: one row per run and list."""
from __future__ import annotations

import datetime as dt

import duckdb


def record_run(con: duckdb.DuckDBPyConnection, as_of: dt.date, counts: dict[str, int]) -> None:
    """Append this run's list sizes to ``run_history`` (kept across runs)."""
    con.execute("""create table if not exists run_history (
        as_of date, run_at timestamp, list varchar, "rows" bigint)""")
    run_at = dt.datetime.now().replace(microsecond=0)
    con.execute("begin")
    con.executemany("insert into run_history values ($1, $2, $3, $4)",
                    [(as_of, run_at, name, rows) for name, rows in sorted(counts.items())])
    con.execute("commit")
