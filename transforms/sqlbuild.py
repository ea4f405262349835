"""The SQL that config shapes: the only SQL built in code (everything else is a .sql file).

Small side-effect-free ``*_sql()`` functions, as splink's
``internals/comparison_vector_values.py`` does: each takes validated config (or the
tables the warehouse holds) and returns SQL text, plus the ``$params`` it binds. The
caller executes it. Identifiers enter only through ``ident()`` (or ``name()`` where a
config name is also written as a string literal); values are always bound parameters.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from transforms.config import Config
    from transforms.match.inputs import StagedTable

_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


class IdentifierError(ValueError):
    """A name from config or the catalogue is not a plain snake_case identifier."""


def name(value: str) -> str:
    """``value`` unchanged, after checking it is a plain snake_case name (safe as a
    quoted identifier and as a string literal)."""
    if not isinstance(value, str) or not _IDENT.match(value):
        raise IdentifierError(f"not a plain identifier: {value!r}")
    return value


def ident(value: str) -> str:
    """A quoted identifier, refusing anything that is not a plain config name."""
    return f'"{name(value)}"'


def union_sql(parts: Iterable[str], empty: str) -> str:
    """The UNION ALL of ``parts``, or ``empty`` (a typed select of no rows) when none."""
    parts = list(parts)
    return "\nunion all\n".join(parts) if parts else empty


def create_as_sql(table: str, body: str, *, temp: bool = False) -> str:
    """``create or replace [temp] table <table> as <body>``."""
    return f"create or replace {'temp table' if temp else 'table'} {ident(table)} as\n{body}"


def create_table_sql(table: str, columns: Iterable[tuple[str, str]], *,
                     temp: bool = False) -> str:
    """An empty table with ``(column, DuckDB type)`` columns (types are ours, not config's)."""
    body = ",\n    ".join(f"{ident(c)} {t}" for c, t in columns)
    kind = "temp table" if temp else "table"
    return f"create or replace {kind} {ident(table)} (\n    {body}\n)"


# --- deaths (RULES §3): every death record of the tables with a death rule -------------

_EMPTY_DEATH_RAW = ("select null::varchar as src_table, null::bigint as src_rid, "
                    "null::varchar as source, null::varchar as id_number, "
                    "null::date as death_date where false")


def death_tables(config: Config) -> list[str]:
    """Tables with a death rule (sources.yaml ``death:``), in config order."""
    return [t for t, table in config.sources.tables.items() if table.death is not None]


def death_raw_sql(config: Config, tables: list[str]) -> tuple[str, dict]:
    """One UNION ALL select of the death records of ``tables``, shaped by their death rules:
    ``(src_table, src_rid, source, id_number, death_date)``; the status and reason values
    are bound as ``$status_<i>`` / ``$reason_<i>``."""
    parts, params = [], {}
    for i, table_name in enumerate(tables):
        table = config.sources.tables[table_name]
        rule = table.death
        where = []
        for col, value, key in ((rule.status_column, rule.status_value, f"status_{i}"),
                                (rule.reason_column, rule.reason_value, f"reason_{i}")):
            if col is None:
                continue
            if value is None:
                where.append(f"{ident(col)} is not null")
            else:
                where.append(f"{ident(col)} = ${key}")
                params[key] = value
        parts.append(
            f"select '{name(table_name)}' as src_table, _rid as src_rid, "
            f"'{name(table.source)}' as source, "
            "case when id_status in ('valid', 'converted_15') then id_number end as id_number, "
            f"{ident(rule.date_column)} as death_date from {ident('stg_' + table_name)}"
            + (" where " + " and ".join(where) if where else ""))
    return union_sql(parts, _EMPTY_DEATH_RAW), params


# --- review queue (RULES §7): the department records a review row can point at --------

_EMPTY_SOURCE_RECORDS = (
    "select null::varchar as src_table, null::bigint as src_rid, null::varchar as id_raw, "
    "null::varchar as id_status, null::varchar as name, null::date as birth_date where false")


def review_source_records_sql(config: Config) -> str:
    """``(src_table, src_rid, id_raw, id_status, name, birth_date)`` of every department
    record with an ID column: the ID as given, the name, the birth date (its own column
    when the table has one, else the ID's)."""
    parts = []
    for table_name, table in config.sources.tables.items():
        types = {key: col.type for key, col in table.columns.items()}
        if table.kind != "department" or "id" not in types.values():
            continue
        name_col = next((k for k, t in types.items() if t == "name"), None)
        birth = "coalesce(birth_date, id_birth_date)" if types.get("birth_date") == "date" \
            else "id_birth_date"
        name_expr = ident(name_col) if name_col else "null::varchar"
        parts.append(
            f"select '{name(table_name)}' as src_table, _rid as src_rid, id_raw, id_status, "
            f"{name_expr} as name, {birth} as birth_date from {ident('stg_' + table_name)}")
    return union_sql(parts, _EMPTY_SOURCE_RECORDS)


# --- match (RULES §2): department and ledger records in the shape the matcher reads ---

_EMPTY_DEPARTMENT_RECORDS = (
    "select null::varchar as src_table, null::bigint as src_rid, null::varchar as source, "
    "null::varchar as id_number, null::varchar as id_status, null::date as id_birth_date, "
    "null::varchar as name, null::varchar as name_pinyin, null::varchar as sex_own, "
    "null::date as birth_own where false")


def _own_columns_sql(t: StagedTable) -> str:
    sex = f"{ident(t.sex_column)}::varchar" if t.sex_column else "null::varchar"
    birth = f"{ident(t.birth_column)}::date" if t.birth_column else "null::date"
    return f"{sex} as sex_own, {birth} as birth_own"


def department_records_sql(tables: list[StagedTable]) -> tuple[str, dict[str, str]]:
    """One union of the department tables in the shape matching/sources.sql reads; the
    table and source names are bound as ``$table_<i>`` / ``$source_<i>``."""
    params: dict[str, str] = {}
    parts = []
    for i, t in enumerate(tables):
        parts.append(
            f"select $table_{i}::varchar as src_table, _rid::bigint as src_rid, "
            f"$source_{i}::varchar as source, id_number, id_status, id_birth_date, name, "
            f"name_pinyin, {_own_columns_sql(t)} from {ident(t.staging)}")
        params[f"table_{i}"] = t.table
        params[f"source_{i}"] = t.source
    return union_sql(parts, _EMPTY_DEPARTMENT_RECORDS), params


def ledger_records_sql(t: StagedTable) -> str:
    """The ledger rows in the shape matching/ledger.sql reads."""
    return (f"select _rid::bigint as ledger_rid, id_number, id_status, id_birth_date, name, "
            f"name_pinyin, {_own_columns_sql(t)} from {ident(t.staging)}")
