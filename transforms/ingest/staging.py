"""The stage-1 tables of docs/architecture.md: schema, duplicates, one transaction.

Identifiers come only from the validated config (checked again here); values
are bound as parameters or handed over as Arrow tables.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import pyarrow as pa

from transforms.config import Config, Table
from transforms.sqlbuild import create_table_sql
from transforms.sqlfile import StepError, read_sql

log = logging.getLogger(__name__)

# DuckDB and Arrow type of each configured column type (architecture.md stage 1).
SQL_TYPES = {"text": "VARCHAR", "enum": "VARCHAR", "sex": "VARCHAR", "date": "DATE",
             "month": "DATE", "money": "DECIMAL(18,2)", "year": "INTEGER", "int": "INTEGER"}
ARROW_TYPES = {"VARCHAR": pa.string(), "DATE": pa.date32(), "DECIMAL(18,2)": pa.decimal128(18, 2),
               "INTEGER": pa.int32(), "BIGINT": pa.int64(), "BOOLEAN": pa.bool_()}
META_COLUMNS = [("_rid", "BIGINT"), ("_file", "VARCHAR"), ("_row", "INTEGER"),
                ("_extract_date", "DATE")]
QUARANTINE = [("source", "VARCHAR"), ("table", "VARCHAR"), ("file", "VARCHAR"),
              ("row", "INTEGER"), ("reason", "VARCHAR"), ("raw", "VARCHAR")]
INGEST_FILES = [("file", "VARCHAR"), ("source", "VARCHAR"), ("table", "VARCHAR"),
                ("sha256", "VARCHAR"), ("extract_date", "DATE"), ("read", "INTEGER"),
                ("accepted", "INTEGER"), ("quarantined", "INTEGER"), ("duplicates", "INTEGER"),
                ("status", "VARCHAR"), ("reason", "VARCHAR"), ("stale", "BOOLEAN"),
                ("age_days", "INTEGER"), ("extract_kind", "VARCHAR")]
TABLE_STATUS = [("table", "VARCHAR"), ("source", "VARCHAR"), ("present", "BOOLEAN"),
                ("files", "INTEGER"), ("rows", "BIGINT"), ("stale", "BOOLEAN")]


def column_outputs(key: str, type_: str) -> list[tuple[str, str]]:
    """The staging columns one configured column becomes."""
    if type_ == "id":
        return [("id_number", "VARCHAR"), ("id_raw", "VARCHAR"), ("id_status", "VARCHAR"),
                ("id_birth_date", "DATE")]
    if type_ == "name":
        return [(key, "VARCHAR"), (f"{key}_raw", "VARCHAR"), (f"{key}_pinyin", "VARCHAR")]
    if type_ == "township":
        return [(key, "VARCHAR"), (f"{key}_raw", "VARCHAR")]
    return [(key, SQL_TYPES[type_])]


def staging_columns(table: Table) -> list[tuple[str, str]]:
    """(column, DuckDB type) of ``stg_<table>``, in order."""
    columns = list(META_COLUMNS)
    for key, column in table.columns.items():
        columns += column_outputs(key, column.type)
    names = [name for name, _ in columns]
    if len(set(names)) != len(names):
        raise StepError(f"staging columns collide: {names}")
    return columns


def duplicate_key(key: str, type_: str) -> str:
    """The normalised value of a configured column that duplicates are compared on."""
    return "id_number" if type_ == "id" else key


def arrow_schema(columns: list[tuple[str, str]]) -> pa.Schema:
    return pa.schema([(name, ARROW_TYPES[sql]) for name, sql in columns])


def keyed_columns(spec: Table) -> list[tuple[str, str]]:
    """What duplicates.sql reads: the row's place and one normalised value per column,
    with their DuckDB types."""
    types = dict(staging_columns(spec))
    names = ["_rid", "_file", "_row", *(duplicate_key(k, c.type) for k, c in spec.columns.items())]
    return [(name, types[name]) for name in names]


def _insert(con: duckdb.DuckDBPyConnection, name: str, columns: list[tuple[str, str]],
            rows: pa.Table | None) -> None:
    sql = create_table_sql(name, columns)
    log.debug("sql create %s\n%s", name, sql)
    con.execute(sql)
    if rows is not None and rows.num_rows:
        _append(con, name, rows)
    log.info("%s: %d rows", name, 0 if rows is None else rows.num_rows)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """The stage-1 tables are replaced all together or not at all."""
    con.execute("begin transaction")
    try:
        yield
    except Exception as exc:
        con.execute("rollback")
        if isinstance(exc, StepError):
            raise
        raise StepError(f"step ingest failed, previous stage-1 tables kept: {exc}") from exc
    con.execute("commit")


def create_staged(con: duckdb.DuckDBPyConnection, table: str, spec: Table) -> None:
    """Replace ``stg_<table>`` by an empty table, to be appended to batch by batch."""
    _insert(con, f"stg_{table}", staging_columns(spec), None)


def _append(con: duckdb.DuckDBPyConnection, table: str, rows: pa.Table) -> None:
    """Insert ``rows`` (the table's columns, in its order) into ``table``.

    Never through ``con.register`` inside the ingest transaction: a registered Arrow
    table stays alive, unregistered or not, until the transaction commits (DuckDB keeps
    the dropped view for a rollback), so every batch of the run would stay in memory.
    """
    names = [c for c, in con.execute(
        "select column_name from duckdb_columns() where table_name = $t "
        "order by column_index", {"t": table}).fetchall()]
    if rows.column_names != names:
        raise StepError(f"{table}: columns {rows.column_names} are not the table's {names}")
    con.from_arrow(rows).insert_into(table)


def append_staged(con: duckdb.DuckDBPyConnection, staged: str, rows: pa.Table) -> None:
    """Append one batch's rows to ``staged`` (``stg_<table>``)."""
    if rows.num_rows:
        _append(con, staged, rows)


def write_ingest_tables(con: duckdb.DuckDBPyConnection, config: Config, rows: dict[str, int],
                        quarantine: pa.Table, files: pa.Table) -> None:
    """Replace ``quarantine``, ``ingest_files`` and ``table_status``."""
    _insert(con, "quarantine", QUARANTINE, quarantine)
    _insert(con, "ingest_files", INGEST_FILES, files)
    configured = pa.table({
        "ord": pa.array(range(len(config.sources.tables)), pa.int32()),
        "table": list(config.sources.tables),
        "source": [t.source for t in config.sources.tables.values()],
        "rows": pa.array([rows[t] for t in config.sources.tables], pa.int64()),
    })
    con.execute(create_table_sql("table_status", TABLE_STATUS))
    con.register("configured_tables", configured)
    try:
        sql = "insert into table_status by name\n" + read_sql("staging/table_status")
        log.debug("sql staging/table_status\n%s", sql)
        con.execute(sql)
    finally:
        con.unregister("configured_tables")
