"""Run the SQL files under transforms/sql/ with bound parameters."""
from __future__ import annotations

import functools
import logging
import re
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).resolve().parent / "sql"
log = logging.getLogger(__name__)
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


class StepError(RuntimeError):
    """A SQL step failed; the message names the step and the file."""


@functools.lru_cache(maxsize=None)
def read_sql(name: str) -> str:
    """The text of transforms/sql/<name>.sql (``name`` like 'lists/deaths/death_records')."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def run_sql(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None,
            *, create: str | None = None):
    """Execute one SQL file; with ``create``, materialise its result as that table.

    Only the parameters the query names are bound, so callers may pass a
    shared parameter dict.
    """
    sql = read_sql(name)
    used = set(_PARAM.findall(sql))
    bound = {k: v for k, v in (params or {}).items() if k in used}
    missing = used - bound.keys()
    if missing:
        raise StepError(f"{name}.sql: missing parameters {sorted(missing)}")
    if create:
        sql = f"create or replace table {create} as\n{sql}"
    log.debug("sql %s params=%s\n%s", name, bound, sql)
    try:
        return con.execute(sql, bound)
    except duckdb.Error as exc:
        raise StepError(f"step {name}{' -> ' + create if create else ''} failed: {exc}") from exc
