"""Phase B: the rules (RULES §3-7) sharded by person, and the county-wide gather.

Every record about one person lands in one shard: the shard of a hash of the person's
resolved ID, which is what the rules themselves key on (sql/lists/contributions/
person_ids.sql): a ledger row's ID; a department record's linked ledger ID, else its own
valid ID when it is not waiting in review. A record waiting in review identifies nobody;
it goes to the shard of each of its candidates, with the review rows of that candidate.
Reference tables, ``table_status`` and the policy years go to every shard.

Each shard runs the product's own ``build_lists`` and writes every table it made as
parquet. The gather takes the per-person lists as the union of the shards, the
skipped checks of shard 0 (they depend on table_status alone, checked equal on every
shard), and ``progress`` (a GROUP BY township over people) from one gather task that
runs the product's progress rule over the union of the shards' person tables.
"""
from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from transforms.config import load_config
from transforms.rules import RuleContext, build_lists
from transforms.shard.store import (
    load_partition,
    quote_path,
    read_parquet_sql,
    scatter_table,
    task_connection,
    task_stats,
    write_table,
)
from transforms.sqlfile import StepError, ident

log = logging.getLogger(__name__)

REPLICATED = ("table_status",)  # whole, to every shard
# The case registry as the rules' decision hooks read it (sql/cases/current_decisions.sql:
# every decision, and the cases and listings of decided cases), to every shard.
REGISTRY = {
    "case_decisions": "select * from case_decisions",
    "cases": "select * from cases where case_id in (select case_id from case_decisions)",
    "case_listings": "select * from case_listings "
                     "where case_id in (select case_id from case_decisions)",
}
# What the county-wide gather reads (sql/lists/progress.sql): the person tables of the
# intermediate layer (union of the shards, each person in one shard) and two staging tables.
PROGRESS_PERSON_TABLES = ("rule_ledger", "rule_residents")
PROGRESS_STAGING = ("stg_township_targets", "stg_contributions")
_USABLE = "id_status in ('valid', 'converted_15')"


@dataclass
class RulesPlan:
    folder: Path  # <folder>/in/<table>/_task=<k>/, results <folder>/out/<k>/
    shards: int
    years: tuple[int, int]
    tables: list[str] = field(default_factory=list)
    department: list[str] = field(default_factory=list)  # may repeat a record over shards
    replicated: list[str] = field(default_factory=lambda: list(REPLICATED))
    registry: list[str] = field(default_factory=list)  # case tables, when the warehouse has them


def _person_shard(key_sql: str, n: int) -> str:
    return f"(hash({key_sql}) % {n})::integer"


def scatter(con: duckdb.DuckDBPyConnection, config, folder: Path, shards: int,
            years: range) -> RulesPlan:
    """Write every task's rule inputs under ``folder/in``."""
    n = shards
    plan = RulesPlan(folder=folder, shards=n, years=(years.start, years.stop - 1))
    inbound = folder / "in"
    everyone = f"unnest(range({n}))::integer"
    copies, names = [], {}
    existing = {r[0] for r in con.execute(
        "select table_name from duckdb_tables() where not temporary").fetchall()}
    for name, table in config.sources.tables.items():
        stg = f"stg_{name}"
        ident(name)
        if stg not in existing:
            continue
        has_id = any(c.type == "id" for c in table.columns.values())
        if table.kind == "reference" or not has_id:
            if table.kind != "reference":
                raise StepError(f"sharding: {stg} has no ID column, so no person to shard by")
            sql = f"select *, {everyone} as _task from {ident(stg)}"
            plan.replicated.append(stg)
        elif table.kind == "ledger":
            sql = f"select *, {_person_shard('id_number', n)} as _task from {ident(stg)}"
        else:
            sql = _department_sql(stg, name, n)
            plan.department.append(stg)
            copies.append(f"select $t_{len(copies)}::varchar as src_table, _rid as src_rid, "
                          f"min(_task) as home from ({sql.replace('$t', f'$t_{len(copies)}')}) "
                          "group by _rid having count(*) > 1")
            names[f"t_{len(names)}"] = name
        scatter_table(con, sql, {"t": name} if "$t" in sql else {}, inbound, stg)
        plan.tables.append(stg)
    for table in REPLICATED:
        scatter_table(con, f"select *, {everyone} as _task from {ident(table)}", {},
                      inbound, table)
    if "case_decisions" in existing:
        for table, select in REGISTRY.items():
            scatter_table(con, f"select *, {everyone} as _task from ({select})", {},
                          inbound, table)
            plan.registry.append(table)
    # links go with their record (to its resolved person), review rows with their candidate
    scatter_table(con, f"""
        select m.*, {_person_shard('r.ledger_id', n)} as _task
        from match_links as m
        join (select src_table, src_rid, min(ledger_id_number) as ledger_id
              from match_links group by all) as r using (src_table, src_rid)""",
                  {}, inbound, "match_links")
    scatter_table(con, f"select *, {_person_shard('ledger_id_number', n)} as _task "
                  "from match_review", {}, inbound, "match_review")
    # records waiting in review with candidates in several shards: their own rows (e.g.
    # death_records) are taken from one shard, their home, when the gather unions
    copied = "\nunion all\n".join(copies) or \
        "select null::varchar as src_table, null::bigint as src_rid, null::integer as home where false"
    con.execute(f"copy ({copied}) to {quote_path(folder / 'copied_records.parquet')} "
                "(format parquet)", names)
    log.info("rules scatter: %d shards, %d staging tables", n, len(plan.tables))
    return plan


def _department_sql(stg: str, name: str, n: int) -> str:
    return f"""
        with links as (
            select src_rid, min(ledger_id_number) as ledger_id
            from match_links where src_table = $t group by src_rid
        ),
        pending as (
            select src_rid, list(distinct ledger_id_number) as candidates
            from match_review where src_table = $t group by src_rid
        ),
        keyed as (
            select r.*, list_filter(list_distinct(list_concat(
                [coalesce(l.ledger_id,
                          case when r.{_USABLE} and p.src_rid is null then r.id_number end)],
                coalesce(p.candidates, []::varchar[]))), lambda x: x is not null) as _keys
            from {ident(stg)} as r
            left join links as l on l.src_rid = r._rid
            left join pending as p on p.src_rid = r._rid
        )
        select * exclude (_keys), unnest(if(len(_keys) = 0, [0],
            list_distinct(list_transform(_keys, lambda x: {_person_shard('x', n)})))) as _task
        from keyed"""


def run_task(folder: str, tables: list[str], task: int, config_dir: str, as_of: dt.date,
             years: tuple[int, int], registry: list[str] = (), threads: int | None = None,
             memory_limit: str | None = None) -> dict:
    """One person shard: load it, ``build_lists``, write every table it made."""
    started = time.perf_counter()
    base = Path(folder)
    con = task_connection(threads, memory_limit, base / "tmp" / str(task))
    try:
        for t in tables:  # staging tables, the replicated reference ones among them
            load_partition(con, base / "in", t, task)
        for t in (*REPLICATED, *registry):
            load_partition(con, base / "in", t, task, order_by=None)
        for t in ("match_links", "match_review"):
            load_partition(con, base / "in", t, task, order_by="src_table, src_rid, ledger_rid")
        before = _tables(con)
        build_lists(con, load_config(Path(config_dir)), as_of,
                    years=range(years[0], years[1] + 1), shard=True)
        made = sorted(_tables(con) - before - set(registry))
        out = base / "out" / str(task)
        rows = {t: write_table(con, t, out / f"{t}.parquet") for t in made}
    finally:
        con.close()
    return {"task": task, "tables": rows, **task_stats(started)}


def _tables(con) -> set[str]:
    return {r[0] for r in con.execute(
        "select table_name from duckdb_tables() where not temporary").fetchall()}


def run_progress_task(folder: str, shards: int, config_dir: str, as_of: dt.date,
                      department: list[str], replicated: list[str], threads: int | None = None,
                      memory_limit: str | None = None) -> dict:
    """County-wide: the progress rule over the union of the shards' person tables;
    writes ``progress``."""
    from transforms.rules import people, progress

    started = time.perf_counter()
    base = Path(folder)
    con = task_connection(threads, memory_limit, base / "tmp" / "progress")
    try:
        for t in PROGRESS_PERSON_TABLES:
            files = [str(base / "out" / str(k) / f"{t}.parquet") for k in range(shards)]
            con.execute(f"create table {ident(t)} as select * from {read_parquet_sql(files)}")
        for t in (*PROGRESS_STAGING, *REPLICATED):
            if t in replicated:
                load_partition(con, base / "in", t, 0, order_by=None if t in REPLICATED else "_rid")
            else:
                _load_whole(con, base / "in", t, dedupe=t in department)
        con.execute("create table skipped_checks (\"check\" varchar, reason varchar)")
        people.macros(con)
        progress.build(con, RuleContext(load_config(Path(config_dir)), as_of))
        rows = write_table(con, "progress", base / "out" / "progress" / "progress.parquet")
    finally:
        con.close()
    return {"task": "progress", "rows": rows, **task_stats(started)}


def _load_whole(con, inbound: Path, table: str, dedupe: bool) -> None:
    """A staging table whole again: the union of its partitions (a department record
    repeated for several review candidates counted once)."""
    files = sorted(str(p) for p in (inbound / table).glob("_task=*/*.parquet"))
    if not files:
        load_partition(con, inbound, table, 0)  # empty, with its schema
        return
    once = "qualify row_number() over (partition by _rid) = 1" if dedupe else ""
    con.execute(f"create table {ident(table)} as select * from {read_parquet_sql(files)} "
                f"{once} order by _rid")
