"""The department and ledger staging tables the matcher reads, as config shapes them.

Which tables exist and whether they carry their own sex and birth-date columns comes
from validated config and the warehouse catalogue; the SQL that reads them is built by
``transforms.sqlbuild`` (department_records_sql, ledger_records_sql).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import duckdb

from transforms.config import Config
from transforms.sqlbuild import create_as_sql, department_records_sql, ident, ledger_records_sql
from transforms.sqlfile import StepError, read_sql

logger = logging.getLogger(__name__)

LEDGER_TABLE = "participants"
_BASE_COLUMNS = ("_rid", "id_number", "id_status", "id_birth_date", "name", "name_pinyin")


@dataclass(frozen=True)
class StagedTable:
    table: str  # config name, e.g. household_registry
    source: str  # source key, e.g. public_security
    sex_column: str | None  # the table's own sex column in staging, if any
    birth_column: str | None  # the table's own birth-date column in staging, if any

    @property
    def staging(self) -> str:
        return f"stg_{self.table}"


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str] | None:
    rows = con.execute(
        "select column_name from duckdb_columns() where table_name = $t and not internal",
        {"t": table}).fetchall()
    return {r[0] for r in rows} or None


def _staged(con: duckdb.DuckDBPyConnection, config: Config, name: str) -> StagedTable | None:
    table = config.sources.tables[name]
    ident(name)
    columns = _columns(con, f"stg_{name}")
    if columns is None:
        logger.warning("match: staging table stg_%s does not exist; skipped", name)
        return None
    missing = [c for c in _BASE_COLUMNS if c not in columns]
    if missing:
        raise StepError(f"match inputs: stg_{name} lacks columns {missing}")
    sex = next((c for c, col in table.columns.items() if col.type == "sex"), None)
    birth = "birth_date" if table.columns.get("birth_date", None) is not None else None
    return StagedTable(
        table=name, source=table.source,
        sex_column=sex if sex in columns else None,
        birth_column=birth if birth in columns else None)


def department_tables(con: duckdb.DuckDBPyConnection, config: Config) -> list[StagedTable]:
    """Department tables with an ID column whose staging table exists, in config order."""
    out = []
    for name, table in config.sources.tables.items():
        if table.kind != "department" or not any(c.type == "id" for c in table.columns.values()):
            continue
        staged = _staged(con, config, name)
        if staged is not None:
            out.append(staged)
    return out


def ledger_table(con: duckdb.DuckDBPyConnection, config: Config) -> StagedTable:
    if LEDGER_TABLE not in config.sources.tables:
        raise StepError(f"match inputs: no `{LEDGER_TABLE}` table in sources.yaml")
    staged = _staged(con, config, LEDGER_TABLE)
    if staged is None:
        raise StepError(f"match inputs: the ledger stg_{LEDGER_TABLE} does not exist")
    return staged


def _create_inputs(con: duckdb.DuckDBPyConnection, config: Config, table: str,
                   records) -> list[StagedTable]:
    """``table`` from ``records(department union sql)``, and ``_match_ledger_raw``
    (temp tables); the department tables read."""
    departments = department_tables(con, config)
    src_sql, params = department_records_sql(departments)
    sql = records(src_sql)
    led_sql = ledger_records_sql(ledger_table(con, config))
    logger.debug("match inputs:\n%s\n%s", sql, led_sql)
    try:
        con.execute(create_as_sql(table, sql, temp=True), params)
        con.execute(create_as_sql("_match_ledger_raw", led_sql, temp=True))
    except duckdb.Error as exc:
        raise StepError(f"match inputs: {exc}") from exc
    return departments


def create_raw_inputs(con: duckdb.DuckDBPyConnection, config: Config) -> list[StagedTable]:
    """Create temp tables _match_src_raw and _match_ledger_raw; return the tables read."""
    return _create_inputs(con, config, "_match_src_raw", lambda src_sql: src_sql)


def create_sources(con: duckdb.DuckDBPyConnection, config: Config) -> list[StagedTable]:
    """What ``create_raw_inputs`` and then matching/sources.sql into ``_match_src`` make,
    with the department union read by sources.sql as a CTE of the same name: one
    write of every department record instead of two (4.4 M rows on 2 M people).
    ``_match_ledger_raw`` is a temp table as there; returns the tables read."""
    return _create_inputs(con, config, "_match_src", lambda src_sql: (
        f"with _match_src_raw as (\n{src_sql}\n)\n"
        f"select * from (\n{read_sql('matching/sources')}\n)"))
