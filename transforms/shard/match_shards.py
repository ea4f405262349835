"""Phase A: matching (RULES §2) sharded so that no decision can change.

Every department record goes to exactly one task, together with every ledger row it
could be decided against; the task runs the product's own ``match_all`` on that and
nothing else. Tasks (docs/sharding.md):

- ``id`` shards ``0..n-1``: records with a valid or 15-digit ID (methods ``id``, ``id15``
  and their name guard), by a hash of the normalised ID; the ledger by the same hash.
- ``dob`` shards ``n..2n-1``: records without a usable ID and without a checksum-only
  fault (``name_dob`` only), by a hash of their effective birth date (their own, else
  digits 7-14); a ledger participant goes to the shard of every birth date it can be
  found under (its own and its ID's, over all rows of a repeated ID).
- the ``repair`` task ``2n``: records whose ID fails only its check digit
  (``id_repaired`` first, then ``name_dob``). A typo inside the birth-date digits gives a
  candidate born on another day, so no birth-date shard is sure to hold every candidate;
  these records are few, and one task sees them all, with every ledger ID that shares
  with one of them a key no single edit can change (``_key_list``) or a birth date.
"""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from transforms.config import load_config
from transforms.match import match_all
from transforms.match.inputs import department_tables, ledger_table
from transforms.shard.store import (
    load_partition,
    read_parquet_sql,
    scatter_table,
    task_connection,
    task_stats,
    tasks_with_rows,
    write_table,
)
from transforms.sqlfile import StepError, ident

log = logging.getLogger(__name__)

OUTPUTS = ("match_links", "match_review")
_USABLE = "id_status in ('valid', 'converted_15')"


@dataclass
class MatchPlan:
    folder: Path  # scatter: <folder>/in/<table>/_task=<k>/, results: <folder>/out/<k>/
    shards: int
    tables: list[str] = field(default_factory=list)  # staging tables each task loads
    tasks: list[int] = field(default_factory=list)

    def kind(self, task: int) -> str:
        return "id" if task < self.shards else "dob" if task < 2 * self.shards else "repair"


def scatter(con: duckdb.DuckDBPyConnection, config, folder: Path, shards: int) -> MatchPlan:
    """Write the match inputs of every task under ``folder/in``; the plan of tasks to run."""
    plan = MatchPlan(folder=folder, shards=shards)
    n, repair = shards, 2 * shards
    inbound = folder / "in"
    for t in department_tables(con, config):
        birth = f"{ident(t.birth_column)}::date" if t.birth_column else "null::date"
        sql = (f"select *, case when {_USABLE} then (hash(id_number) % {n})::integer "
               f"when id_status = 'invalid_checksum' then {repair} "
               f"else {n} + (hash(coalesce({birth}, id_birth_date)) % {n})::integer end as _task "
               f"from {ident(t.staging)}")
        scatter_table(con, sql, {}, inbound, t.staging)
        plan.tables.append(t.staging)
    wanted = set()
    for table in plan.tables:
        wanted |= tasks_with_rows(inbound, table)
    ledger = ledger_table(con, config)
    birth = f"{ident(ledger.birth_column)}" if ledger.birth_column else "null::date"
    repairs = [_repair_keys_sql(t) for t in department_tables(con, config)]
    keys = "\nunion\n".join(repairs) if repair in wanted and repairs else \
        "select null::varchar as k where false"
    dates = "\nunion\n".join(_fallback_dates_sql(t) for t in department_tables(con, config)) \
        or "select null::date as dob where false"
    stg = ident(ledger.staging)
    sql = f"""
        with repair_keys as ({keys}),
        wanted_dates as ({dates}),
        ledger_dates as (
            select id_number, {birth}::date as dob from {stg}
            union all
            select id_number, id_birth_date from {stg}
        ),
        dobs as (
            select id_number, list(distinct {n} + (hash(dob) % {n})::integer) as tasks
            from ledger_dates
            where id_number is not null and dob in (select dob from wanted_dates)
            group by id_number
        ),
        repair_ids as (
            select distinct l.id_number
            from (select id_number, unnest([{_key_list('id_number')}]) as k from {stg}
                  union all
                  select id_number, 'e' || strftime(dob, '%Y%m%d') from ledger_dates) as l
            join repair_keys as r using (k)
        )
        select p.*, unnest(list_distinct(list_concat(
            [(hash(p.id_number) % {n})::integer],
            if(p.id_number in (select id_number from repair_ids), [{repair}], []::integer[]),
            coalesce(d.tasks, []::integer[])))) as _task
        from {stg} as p
        left join dobs as d using (id_number)
    """
    scatter_table(con, sql, {}, inbound, ledger.staging)
    plan.tables.append(ledger.staging)
    plan.tasks = sorted(wanted) or [0]
    log.info("match scatter: %d shards, %d tasks with records (%s)", shards, len(plan.tasks),
             ", ".join(f"{plan.kind(k)}:{k}" for k in plan.tasks))
    return plan


def _key_list(column: str) -> str:
    """The four keys one substituted digit or one adjacent swap cannot all change
    (docs/sharding.md): an edit inside digits 1-6 or 15-18 keeps 7-14 (a); inside 7-14
    keeps 1-6 and 15-18 (b); the swaps across 6|7 and 14|15 keep the rest (c, d)."""
    c = column
    return (f"'a' || substr({c}, 7, 8), 'b' || substr({c}, 1, 6) || substr({c}, 15, 4), "
            f"'c' || substr({c}, 1, 5) || substr({c}, 8, 11), "
            f"'d' || substr({c}, 1, 13) || substr({c}, 16, 3)")


def _fallback_dates_sql(t) -> str:
    """Birth dates the records of the ``dob`` shards are looked up under: a ledger row
    goes to a birth-date shard only for a date some record there has."""
    birth = f"{ident(t.birth_column)}::date" if t.birth_column else "null::date"
    return (f"select coalesce({birth}, id_birth_date) as dob from {ident(t.staging)} "
            f"where not ({_USABLE}) and id_status <> 'invalid_checksum'")


def _repair_keys_sql(t) -> str:
    """Keys of a table's checksum-only records: their ID's four keys and their birth date
    (name_dob runs for them in the repair task too)."""
    birth = f"{ident(t.birth_column)}::date" if t.birth_column else "null::date"
    src = f"from {ident(t.staging)} where id_status = 'invalid_checksum'"
    return (f"select unnest([{_key_list('id_number')}]) as k {src}\nunion\n"
            f"select 'e' || strftime(coalesce({birth}, id_birth_date), '%Y%m%d') {src}")


def run_task(folder: str, tables: list[str], task: int, config_dir: str,
             threads: int | None = None, memory_limit: str | None = None) -> dict:
    """One match task: load its partition, ``match_all``, write match_links/match_review."""
    started = time.perf_counter()
    base = Path(folder)
    con = task_connection(threads, memory_limit, base / "tmp" / str(task))
    try:
        rows_in = {t: load_partition(con, base / "in", t, task) for t in tables}
        counts = match_all(con, load_config(Path(config_dir)))
        out = base / "out" / str(task)
        rows_out = {t: write_table(con, t, out / f"{t}.parquet") for t in OUTPUTS}
        (out / "counts.json").write_text(json.dumps(counts, sort_keys=True), encoding="utf-8")
    finally:
        con.close()
    return {"task": task, "rows_in": rows_in, "rows_out": rows_out, **task_stats(started)}


def gather(con: duckdb.DuckDBPyConnection, plan: MatchPlan) -> dict:
    """Replace the warehouse's match_links and match_review with the union of the tasks'
    results, in the order the matcher writes them; the summed per-table counts."""
    files = {t: [str(plan.folder / "out" / str(k) / f"{t}.parquet") for k in plan.tasks]
             for t in OUTPUTS}
    con.begin()
    try:
        for table in OUTPUTS:
            con.execute(f"create or replace table {ident(table)} as select * from "
                        f"{read_parquet_sql(files[table])} order by src_table, src_rid, ledger_rid")
        con.commit()
    except duckdb.Error as exc:
        con.rollback()
        raise StepError(f"match gather: {exc}") from exc
    return _summed_counts(plan)


def _summed_counts(plan: MatchPlan) -> dict:
    total: dict = {}
    for k in plan.tasks:
        counts = json.loads((plan.folder / "out" / str(k) / "counts.json").read_text("utf-8"))
        for table, entry in counts.items():
            into = total.setdefault(table, {"records": 0, "links": {}, "review": {},
                                            "unmatched": 0})
            into["records"] += entry["records"]
            into["unmatched"] += entry["unmatched"]
            for part in ("links", "review"):
                for key, v in entry[part].items():
                    into[part][key] = into[part].get(key, 0) + v
    return total
