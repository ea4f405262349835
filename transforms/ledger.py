"""The one definition of "the ledger participant with this ID" (sql/staging/ledger_by_id)."""
from __future__ import annotations

import duckdb

from transforms.sqlfile import read_sql


def create_ledger_view(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create the view ``ledger_by_id`` over ``stg_participants``; cheap and idempotent."""
    con.execute("create or replace view ledger_by_id as\n"
                + read_sql("staging/ledger_by_id"))
