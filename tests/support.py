"""What every test folder shares (as dlt's tests/utils.py and tests/cases.py): ONE
synthetic-ID factory, and warehouse tables made by the product's own schema code —
never a hand-copied column list.

- ``valid_id(birth, seq, sex=, area=)``: a valid synthetic 18-character ID.
- ``create_staging(con, config, tables=None)``: empty ``stg_*`` tables with the schema
  ingest writes (``transforms.ingest.staging.staging_columns``).
- ``create_table_status(con, config)``: every configured table present (1 file, 0 rows).
- ``create_match_tables(con, config)``: empty ``match_links`` / ``match_review`` with the
  schema the matcher itself writes (it runs once on an empty scratch warehouse).
- ``create_empty_warehouse(con, config)``: all of the above plus ``skipped_checks`` and
  the policy tables: what the rules see before any rule runs.
- ``create_output_tables(con, names)``: empty list tables (and progress) with the types
  of their contracts (``transforms.lists_schema.column_types``, internal columns too).
"""
from __future__ import annotations

import datetime as dt

import duckdb

from transforms import lists_schema
from transforms.config import Config
from transforms.ingest.staging import TABLE_STATUS, staging_columns
from transforms.normalise.id import check_char
from transforms.sqlbuild import create_table_sql

AREA = "620421"  # the county of the committed config (靖远县)


def valid_id(birth: str | dt.date = "19600101", seq: int | str = 1, *, sex: str | None = None,
             area: str = AREA) -> str:
    """A valid 18-character ID: ``area``, the birth date, a 3-digit sequence, the check
    character. ``birth`` is a date, ``YYYYMMDD`` or ``YYYY-MM-DD``; ``seq`` an int or a
    3-digit string. ``sex`` ('男'/'女') moves the last sequence digit to the next one of
    the right parity (odd: a man), as GB 11643 reads it."""
    if isinstance(birth, dt.date):
        birth = f"{birth:%Y%m%d}"
    seq = f"{seq:03d}" if isinstance(seq, int) else seq
    if sex is not None:
        d = int(seq[-1])
        if (d % 2 == 1) != (sex == "男"):
            seq = seq[:-1] + str((d + 1) % 10)
    first17 = area + birth.replace("-", "") + seq
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError(f"not 17 digits: {first17!r}")
    return first17 + check_char(first17)


def create_staging(con: duckdb.DuckDBPyConnection, config: Config, tables=None) -> None:
    """Empty ``stg_<table>`` for every configured table (or only ``tables``)."""
    for name, table in config.sources.tables.items():
        if tables is None or name in tables:
            con.execute(create_table_sql(f"stg_{name}", staging_columns(table)))


def create_table_status(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """``table_status`` with every configured table present tonight."""
    con.execute(create_table_sql("table_status", TABLE_STATUS))
    for table, spec in config.sources.tables.items():
        con.execute("insert into table_status values ($t, $s, true, 1, 0, false)",
                    {"t": table, "s": spec.source})


_MATCH_SCHEMAS: dict[int, dict[str, list[tuple[str, str]]]] = {}


def match_schemas(config: Config) -> dict[str, list[tuple[str, str]]]:
    """(column, type) of ``match_links`` and ``match_review`` as the matcher writes them:
    it runs once on an empty scratch warehouse (cached per config object)."""
    from transforms.match import match_all

    key = id(config)
    if key not in _MATCH_SCHEMAS:
        scratch = duckdb.connect()
        try:
            create_staging(scratch, config)
            match_all(scratch, config)
            _MATCH_SCHEMAS[key] = {
                t: [(c, ty) for c, ty, *_ in scratch.execute(f"describe {t}").fetchall()]
                for t in ("match_links", "match_review")}
        finally:
            scratch.close()
    return _MATCH_SCHEMAS[key]


def create_match_tables(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """Empty ``match_links`` and ``match_review`` with the matcher's own schema."""
    for table, cols in match_schemas(config).items():
        con.execute(create_table_sql(table, cols))


def create_empty_warehouse(con: duckdb.DuckDBPyConnection, config: Config,
                           years: range = range(2014, 2027)) -> None:
    """Every stg_* table empty and present, empty match tables, an empty skipped_checks
    and the policy tables of ``years``."""
    from transforms.rules.policy_tables import build_policy_tables

    create_staging(con, config)
    create_table_status(con, config)
    create_match_tables(con, config)
    con.execute(create_table_sql("skipped_checks", [("check", "VARCHAR"),
                                                     ("reason", "VARCHAR")]))
    build_policy_tables(con, config.policy, years)


def create_output_tables(con: duckdb.DuckDBPyConnection,
                         names=lists_schema.OUTPUTS, *, with_cases: bool = False) -> None:
    """Empty output tables (lists, progress) with their contracts' columns and types;
    ``with_cases``: the lists as the cases step leaves them (case_id, case_status first)."""
    for name in names:
        types = dict(lists_schema.column_types(name))
        if with_cases and name in lists_schema.LISTS:
            types = {"case_id": "VARCHAR", "case_status": "VARCHAR", **types}
        con.execute(create_table_sql(lists_schema.table(name), types.items()))


def build_rules(con: duckdb.DuckDBPyConnection, ctx, *lists: str) -> dict[str, int]:
    """The intermediate layer (rules/people.py), then the named list modules
    (``transforms/rules/<name>.py``, e.g. ``"lapsed_payers"``, ``"progress"``), as
    build_lists runs them; returns their row counts."""
    import importlib

    from transforms.rules import people

    counts = people.build(con, ctx)
    for name in lists:
        counts.update(importlib.import_module(f"transforms.rules.{name}").build(con, ctx))
    return counts


def table_types(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """column -> DuckDB type of a table, in column order."""
    return dict(con.execute(
        "select column_name, data_type from duckdb_columns() where table_name = $t "
        "and not internal order by column_index", {"t": table}).fetchall())
