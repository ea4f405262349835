"""What the warehouse keeps between runs: list sizes per run, and every case with the
as-of dates it was first and last seen, so a rerun tells new cases from old ones.

The queries are transforms/sql/history/*.sql."""
from __future__ import annotations

import datetime as dt

import duckdb

from transforms.sqlfile import run_sql


def record_run(con: duckdb.DuckDBPyConnection, as_of: dt.date, counts: dict[str, int]) -> dict:
    """Append this run's list sizes to ``run_history`` and merge its cases into
    ``case_history``; returns how many of tonight's cases are new."""
    run_sql(con, "history/create_run_history")
    run_sql(con, "history/create_case_history")
    run_at = dt.datetime.now().replace(microsecond=0)
    con.execute("begin")
    try:
        for name, rows in sorted(counts.items()):
            run_sql(con, "history/insert_run",
                    {"as_of": as_of, "run_at": run_at, "list": name, "rows": rows})
        run_sql(con, "history/current_cases", create="current_cases", temp=True)
        [(new,)] = run_sql(con, "history/new_cases").fetchall()
        run_sql(con, "history/merge_cases", {"as_of": as_of})
        con.execute("drop table current_cases")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return {"new_cases": new}
