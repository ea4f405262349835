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
    before it reads the view; another connection reads the views themselves. The temp
    table is made again only when what the choice reads changed (``_choice_key``)."""
    choice = read_sql("staging/ledger_choice")
    con.execute("create or replace view ledger_choice as\n" + choice)
    key = _choice_key(con)
    if key is None or key != _made_for(con):
        con.execute("create or replace temp table ledger_choice as\n" + choice)
        if key is not None:
            con.execute("create or replace temp table _ledger_choice_key as "
                        "select $n::bigint as n, $h::hugeint as h", {"n": key[0], "h": key[1]})
    con.execute("create or replace view ledger_by_id as\n" + read_sql("staging/ledger_by_id"))


# The columns ledger_choice.sql reads: the chosen _rids change only when these do.
_CHOICE_COLUMNS = "_rid, id_number, enrol_status, benefit_status, enrol_date"


def _choice_key(con: duckdb.DuckDBPyConnection) -> tuple[int, int] | None:
    """A fingerprint of what the choice reads (row count, sum of row hashes): match,
    rules and cases each call ``create_ledger_view``, and the window costs 0.45 s a
    time on 2 M people against a scan for this. None when it cannot be taken."""
    try:
        n, h = con.execute(f"select count(*), coalesce(sum(hash({_CHOICE_COLUMNS})::hugeint), 0) "
                           "from stg_participants").fetchone()
    except duckdb.Error:
        return None
    return int(n), int(h)


def _made_for(con: duckdb.DuckDBPyConnection) -> tuple[int, int] | None:
    """The fingerprint this connection's temp ledger_choice was made for, if any."""
    try:
        row = con.execute("select n, h from temp.main._ledger_choice_key").fetchone()
        con.execute("select 1 from temp.main.ledger_choice limit 0")
    except duckdb.Error:
        return None
    return (int(row[0]), int(row[1])) if row else None
