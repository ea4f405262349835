"""Shards on disk: parquet in, parquet out, one fresh DuckDB per task.

A shard never travels as a pickled frame or a DuckDB connection: the flow writes
each input table as hive-partitioned parquet (``<table>/_task=<k>/*.parquet``) plus an
empty schema file, a task loads its partition into its own DuckDB, and writes its
result tables as parquet. Outputs are written atomically (temporary name, then rename),
so a task Dask recomputes after a worker died (prefect #15442) writes the same bytes
over the same names and a reader never sees half a file.
"""
from __future__ import annotations

import os
import resource
import socket
import time
from pathlib import Path

import duckdb

from transforms.sqlfile import ident

SHARD_COLUMN = "_task"  # the partition column the scatter adds; never stored in the files


def quote_path(path: Path) -> str:
    """A path as a SQL string literal (COPY ... TO takes no parameters)."""
    return "'" + str(path).replace("'", "''") + "'"


def scatter_table(con: duckdb.DuckDBPyConnection, select_sql: str, params: dict,
                  folder: Path, table: str) -> None:
    """Write ``select_sql`` (which has a ``_task`` column) partitioned by task, and the
    table's schema (the select without ``_task``, no rows) beside it."""
    target = folder / table
    target.mkdir(parents=True, exist_ok=True)
    con.execute(f"copy (select * exclude ({SHARD_COLUMN}) from ({select_sql}) limit 0) "
                f"to {quote_path(folder / f'{table}.schema.parquet')} (format parquet)", params)
    con.execute(f"copy ({select_sql}) to {quote_path(target)} "
                f"(format parquet, partition_by ({SHARD_COLUMN}), overwrite_or_ignore)", params)


def partition_files(folder: Path, table: str, task: int) -> list[str]:
    return sorted(str(p) for p in (folder / table / f"{SHARD_COLUMN}={task}").glob("*.parquet"))


def tasks_with_rows(folder: Path, table: str) -> set[int]:
    return {int(p.name.split("=", 1)[1]) for p in (folder / table).glob(f"{SHARD_COLUMN}=*")
            if any(p.glob("*.parquet"))}


def read_parquet_sql(files: list[str]) -> str:
    listed = ", ".join(quote_path(Path(f)) for f in files)
    return f"read_parquet([{listed}], hive_partitioning = false)"


def load_partition(con: duckdb.DuckDBPyConnection, folder: Path, table: str, task: int,
                   as_name: str | None = None, order_by: str | None = "_rid") -> int:
    """Create table ``as_name`` (default ``table``) from the task's partition, in
    ``order_by`` order as in the warehouse; empty with the right schema when the task
    has no rows of it. Returns its row count."""
    files = partition_files(folder, table, task)
    name = ident(as_name or table)
    if files:
        con.execute(f"create or replace table {name} as select * from "
                    f"{read_parquet_sql(files)}" + (f" order by {order_by}" if order_by else ""))
    else:
        schema = read_parquet_sql([str(folder / f"{table}.schema.parquet")])
        con.execute(f"create or replace table {name} as select * from {schema} limit 0")
    return con.execute(f"select count(*) from {name}").fetchone()[0]


def write_table(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> int:
    """Write one table as parquet, atomically; its row count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    con.execute(f"copy (select * from {ident(table)}) to {quote_path(tmp)} (format parquet)")
    os.replace(tmp, path)
    return con.execute(f"select count(*) from {ident(table)}").fetchone()[0]


def task_connection(threads: int | None = None, memory_limit: str | None = None,
                    temp_dir: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory DuckDB for one task, sized to its worker."""
    con = duckdb.connect(":memory:")
    if threads:
        con.execute(f"set threads = {int(threads)}")
    if memory_limit:
        con.execute("set memory_limit = $m", {"m": memory_limit})
    if temp_dir:
        temp_dir.mkdir(parents=True, exist_ok=True)
        con.execute("set temp_directory = $d", {"d": str(temp_dir)})
    return con


def task_stats(started: float) -> dict:
    """What a task reports besides its files: wall time and its process's peak memory."""
    return {"seconds": round(time.perf_counter() - started, 3),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "worker": f"{socket.gethostname()}:{os.getpid()}"}


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*.parquet"))
