"""The department and ledger staging tables the matcher reads, as config shapes them.

This is the one place where SQL is built in code: which tables exist and whether they
carry their own sex and birth-date columns comes from validated config and the
warehouse catalogue. Table names enter only as checked identifiers, values as `$params`.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import duckdb

from transforms.config import Config
from transforms.sqlfile import StepError, ident

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


def _projection(t: StagedTable, i: int) -> str:
    sex = f"{ident(t.sex_column)}::varchar" if t.sex_column else "null::varchar"
    birth = f"{ident(t.birth_column)}::date" if t.birth_column else "null::date"
    return (f"select $table_{i}::varchar as src_table, _rid::bigint as src_rid, "
            f"$source_{i}::varchar as source, id_number, id_status, id_birth_date, name, "
            f"name_pinyin, {sex} as sex_own, {birth} as birth_own from {ident(t.staging)}")


_EMPTY_SOURCES = ("select null::varchar as src_table, null::bigint as src_rid, "
                  "null::varchar as source, null::varchar as id_number, "
                  "null::varchar as id_status, null::date as id_birth_date, "
                  "null::varchar as name, null::varchar as name_pinyin, "
                  "null::varchar as sex_own, null::date as birth_own where false")


def department_records_sql(tables: list[StagedTable]) -> tuple[str, dict[str, str]]:
    """One union of the department tables in the shape sources.sql reads, and its params."""
    if not tables:
        return _EMPTY_SOURCES, {}
    params: dict[str, str] = {}
    parts = []
    for i, t in enumerate(tables):
        parts.append(_projection(t, i))
        params[f"table_{i}"] = t.table
        params[f"source_{i}"] = t.source
    return "\nunion all\n".join(parts), params


def ledger_records_sql(t: StagedTable) -> str:
    sex = f"{ident(t.sex_column)}::varchar" if t.sex_column else "null::varchar"
    birth = f"{ident(t.birth_column)}::date" if t.birth_column else "null::date"
    return (f"select _rid::bigint as ledger_rid, id_number, id_status, id_birth_date, name, "
            f"name_pinyin, {sex} as sex_own, {birth} as birth_own from {ident(t.staging)}")


def create_raw_inputs(con: duckdb.DuckDBPyConnection, config: Config) -> list[StagedTable]:
    """Create temp tables _match_src_raw and _match_ledger_raw; return the tables read."""
    departments = department_tables(con, config)
    ledger = ledger_table(con, config)
    src_sql, params = department_records_sql(departments)
    led_sql = ledger_records_sql(ledger)
    logger.debug("match inputs:\n%s\n%s", src_sql, led_sql)
    try:
        con.execute(f"create or replace temp table _match_src_raw as\n{src_sql}", params)
        con.execute(f"create or replace temp table _match_ledger_raw as\n{led_sql}")
    except duckdb.Error as exc:
        raise StepError(f"match inputs: {exc}") from exc
    return departments
