"""The one definition of "the ledger participant with this ID" (sql/staging/ledger_choice
and ledger_by_id)."""
from __future__ import annotations

import duckdb

from transforms.sqlfile import read_sql


def create_ledger_view(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create the views ``ledger_choice`` (the _rid that stands for each ID) and
    ``ledger_by_id`` (that row whole) over ``stg_participants``; idempotent.

    For this connection it also materialises ``ledger_choice`` as a temp table of the
    same name, from the same query: DuckDB resolves a name in the temp catalog first,
    so ``ledger_by_id`` reads the chosen _rids instead of running the window again in
    every query that reads it (match, rules, cases: seven a run; 0.25 s each on 500k
    people). Call it again after ``stg_participants`` changes, as every stage does
    before it reads the view; another connection reads the views themselves."""
    choice = read_sql("staging/ledger_choice")
    con.execute("create or replace view ledger_choice as\n" + choice)
    con.execute("create or replace temp table ledger_choice as\n" + choice)
    con.execute("create or replace view ledger_by_id as\n" + read_sql("staging/ledger_by_id"))
