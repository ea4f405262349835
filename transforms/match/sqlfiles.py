"""Load the matching stage's .sql files and run them with bound `$name` parameters."""
from __future__ import annotations

import functools
import logging
import re
from pathlib import Path
from typing import Any

import duckdb

logger = logging.getLogger(__name__)

SQL_DIR = Path(__file__).resolve().parent.parent / "sql" / "matching"
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class MatchStepError(RuntimeError):
    """A matching step failed; the message names the step and the table it wrote."""


@functools.cache
def load(name: str) -> str:
    """The text of transforms/sql/matching/<name>.sql."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def ident(name: str) -> str:
    """A quoted identifier, refusing anything that is not a plain config name."""
    if not _IDENT.match(name):
        raise ValueError(f"not a plain identifier: {name!r}")
    return f'"{name}"'


def _bound(sql: str, params: dict[str, Any]) -> dict[str, Any]:
    # DuckDB rejects parameters a statement does not use: pass only those named.
    wanted = set(_PARAM.findall(re.sub(r"--[^\n]*", "", sql)))
    missing = wanted - params.keys()
    if missing:
        raise KeyError(f"missing SQL parameters: {sorted(missing)}")
    return {k: params[k] for k in wanted}


def run(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any] | None = None) -> None:
    """Run a statement file (a macro definition)."""
    sql = load(name)
    logger.debug("matching step %s:\n%s", name, sql)
    try:
        con.execute(sql, _bound(sql, params or {}))
    except duckdb.Error as exc:
        raise MatchStepError(f"matching step {name}: {exc}") from exc


def materialise(con: duckdb.DuckDBPyConnection, name: str, table: str,
                params: dict[str, Any] | None = None, *, temp: bool = True) -> int:
    """Create (or replace) `table` from the query in <name>.sql; return its row count."""
    query = load(name)
    kind = "temp table" if temp else "table"
    sql = f"create or replace {kind} {ident(table)} as\n{query}"
    logger.debug("matching step %s -> %s:\n%s", name, table, query)
    try:
        con.execute(sql, _bound(query, params or {}))
        [(rows,)] = con.execute(f"select count(*) from {ident(table)}").fetchall()
    except duckdb.Error as exc:
        raise MatchStepError(f"matching step {name} -> {table}: {exc}") from exc
    return int(rows)


def query(con: duckdb.DuckDBPyConnection, name: str,
          params: dict[str, Any] | None = None) -> list[tuple]:
    """Rows of the query in <name>.sql."""
    sql = load(name)
    logger.debug("matching query %s:\n%s", name, sql)
    try:
        return con.execute(sql, _bound(sql, params or {})).fetchall()
    except duckdb.Error as exc:
        raise MatchStepError(f"matching query {name}: {exc}") from exc
