"""What the warehouse keeps between runs: list sizes per run, and every case with the
as-of dates it was first and last seen, so a rerun tells new cases from old ones."""
from __future__ import annotations

import datetime as dt

import duckdb

from transforms.sqlfile import run_sql


def record_run(con: duckdb.DuckDBPyConnection, as_of: dt.date, counts: dict[str, int]) -> dict:
    """Append this run's list sizes to ``run_history`` and merge its cases into
    ``case_history``; returns how many of tonight's cases are new."""
    con.execute("""create table if not exists run_history (
        as_of date, run_at timestamp, list varchar, "rows" bigint)""")
    con.execute("""create table if not exists case_history (
        list varchar, id_number varchar, reason varchar, key varchar,
        first_seen date, last_seen date, primary key (list, id_number, reason, key))""")
    run_at = dt.datetime.now().replace(microsecond=0)
    con.execute("begin")
    try:
        con.executemany("insert into run_history values ($1, $2, $3, $4)",
                        [(as_of, run_at, name, rows) for name, rows in sorted(counts.items())])
        run_sql(con, "history/current_cases", create="current_cases", temp=True)
        [(new,)] = con.execute("""select count(*) from current_cases c
            where not exists (select 1 from case_history h
                where (h.list, h.id_number, h.reason, h.key) = (c.list, c.id_number, c.reason, c.key))
            """).fetchall()
        con.execute("""insert into case_history
            select list, id_number, reason, key, $as_of, $as_of from current_cases
            on conflict do update set
                first_seen = least(first_seen, excluded.first_seen),
                last_seen = greatest(last_seen, excluded.last_seen)""", {"as_of": as_of})
        con.execute("drop table current_cases")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return {"new_cases": new}
