"""Run the SQL files under transforms/sql/ with bound parameters.

One place for every stage: names are relative to transforms/sql/ without the
suffix (``'matching/links'``, ``'intermediate/death_records'``). Only the
parameters a query names are bound, so callers may pass a shared dict.
"""
from __future__ import annotations

import functools
import logging
import re
from pathlib import Path
from typing import Any

import duckdb

from transforms.sqlbuild import create_as_sql, ident

SQL_DIR = Path(__file__).resolve().parent / "sql"
log = logging.getLogger(__name__)
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_COMMENT = re.compile(r"--[^\n]*")


class StepError(RuntimeError):
    """A SQL step failed; the message names the step and the table it wrote."""


@functools.cache
def read_sql(name: str) -> str:
    """The text of transforms/sql/<name>.sql."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def _bound(name: str, sql: str, params: dict[str, Any] | None) -> dict[str, Any]:
    # DuckDB rejects parameters a statement does not use: pass only those named.
    used = set(_PARAM.findall(_COMMENT.sub("", sql)))
    params = params or {}
    missing = used - params.keys()
    if missing:
        raise StepError(f"{name}.sql: missing parameters {sorted(missing)}")
    return {k: params[k] for k in used}


def run_sql(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None,
            *, create: str | None = None, temp: bool = False):
    """Execute one SQL file; with ``create``, materialise its result as that table."""
    sql = read_sql(name)
    bound = _bound(name, sql, params)
    if create:
        sql = create_as_sql(create, sql, temp=temp)
    log.debug("sql %s%s params=%s\n%s", name, f" -> {create}" if create else "", bound, sql)
    try:
        return con.execute(sql, bound)
    except duckdb.Error as exc:
        raise StepError(f"step {name}{' -> ' + create if create else ''} failed: {exc}") from exc


def materialise(con: duckdb.DuckDBPyConnection, name: str, table: str,
                params: dict | None = None, *, temp: bool = True) -> int:
    """Create (or replace) ``table`` from the query in <name>.sql; its row count."""
    run_sql(con, name, params, create=table, temp=temp)
    try:
        [(rows,)] = con.execute(f"select count(*) from {ident(table)}").fetchall()
    except duckdb.Error as exc:
        raise StepError(f"step {name} -> {table}: {exc}") from exc
    return int(rows)


def query(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> list[tuple]:
    """All rows of the query in <name>.sql."""
    return run_sql(con, name, params).fetchall()
