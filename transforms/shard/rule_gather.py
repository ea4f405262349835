"""Phase B gather: every table the rule shards made, into the warehouse, as one local
``build_lists`` would have left it (docs/sharding.md).

- ``progress``: from the county-wide gather task.
- A table whose file is the same on every shard (the policy tables, ``skipped_checks``,
  which depend only on config and table_status): one copy. ``skipped_checks`` must be.
- Every other table: the union of the shards (each person in one shard). A record
  waiting in review with candidates in several shards was copied to each: in a table
  that is not a list and has ``src_table``/``src_rid``, its rows are taken from its
  home shard only (in the review queue each of its pairs is in one shard already).

Then the lists are checked against their contracts, once, as ``build_lists`` does.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from transforms import lists_schema
from transforms.progress import report as report_progress
from transforms.shard.store import read_parquet_sql
from transforms.sqlfile import StepError, ident

ONE_COPY_REQUIRED = ("skipped_checks",)


def _same_everywhere(files: list[Path]) -> bool:
    digests = {hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
    return len(digests) == 1


def _union_sql(con, table: str, files: list[Path], is_list: bool, copied: str) -> str:
    columns = {r[0] for r in con.execute(
        f"describe select * from {read_parquet_sql([str(files[0])])}").fetchall()}
    if is_list or not {"src_table", "src_rid"} <= columns:
        return f"select * from {read_parquet_sql([str(f) for f in files])} order by all"
    parts = " union all ".join(f"select *, {k} as _shard from {read_parquet_sql([str(f)])}"
                               for k, f in enumerate(files))
    return (f"select * exclude (_shard) from ({parts}) as t where not exists ("
            f"select 1 from {copied} as c where c.src_table = t.src_table "
            "and c.src_rid = t.src_rid and c.home <> t._shard) order by all")


def gather(con: duckdb.DuckDBPyConnection, plan) -> dict:
    """Write the shards' tables into the warehouse; the row counts ``build_lists``
    would return (every list table and progress)."""
    from expectations.list_contracts import validate

    out = plan.folder / "out"
    from transforms.rules.people import RUN_ONLY, drop_persistent

    # the shards keep every intermediate table (the progress task reads some); a local
    # run makes RUN_ONLY temp tables, so the warehouse gets none of them from here either
    made = sorted(p.stem for p in (out / "0").glob("*.parquet") if p.stem not in RUN_ONLY)
    drop_persistent(con, RUN_ONLY)
    lists = {lists_schema.table(name) for name in lists_schema.LISTS}
    progress = lists_schema.table("progress")
    copied = read_parquet_sql([str(plan.folder / "copied_records.parquet")])
    con.begin()
    try:
        for table in made:
            files = [out / str(k) / f"{table}.parquet" for k in range(plan.shards)]
            if table == progress:
                sql = f"select * from {read_parquet_sql([str(out / 'progress' / 'progress.parquet')])}"
            elif _same_everywhere(files):
                sql = f"select * from {read_parquet_sql([str(files[0])])}"
            elif table in ONE_COPY_REQUIRED:
                raise StepError(f"rules gather: the shards made different {table}")
            else:
                sql = _union_sql(con, table, files, table in lists, copied)
            con.execute(f"create or replace table {ident(table)} as {sql}")
        con.commit()
    except duckdb.Error as exc:
        con.rollback()
        raise StepError(f"rules gather: {exc}") from exc
    validate(con)  # the contracts, once, on the county's lists (as build_lists does)
    counts = {}
    for name in lists_schema.OUTPUTS:  # each list on the console, as build_lists reports it
        table = lists_schema.table(name)
        counts[table] = con.execute(f"select count(*) from {ident(table)}").fetchone()[0]
        report_progress("rules", "list", name, rows=counts[table])
    return dict(sorted(counts.items()))
