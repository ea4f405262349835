"""Sharded matching and rules: the same answers as ``match_all`` and ``build_lists``,
computed by independent tasks over parquet shards (docs/sharding.md).

The two entry points have the effect of the functions they stand for on the
warehouse connection — ``match_links``/``match_review``, then the list tables,
``review_queue``, ``skipped_checks`` and ``progress`` — so every later step (cases,
export, history, manifest) runs unchanged. Only the caller's connection writes the
warehouse; tasks read and write parquet under ``folder``.

``mapper(step, fn, calls)`` runs ``fn(**call)`` for every call and returns the results in
order: a plain loop in tests, Prefect tasks on a Dask cluster in flows/sharded.py.
"""
from __future__ import annotations

import datetime as dt
import itertools
import logging
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from transforms.rules.policy_tables import years_in_play
from transforms.shard import match_shards, rule_gather, rule_shards
from transforms.shard.store import folder_bytes

log = logging.getLogger(__name__)
Mapper = Callable[[str, Callable, list[dict]], list]


def in_process(step: str, fn: Callable, calls: list[dict]) -> list:
    """The mapper without a cluster: every task in turn, in this process."""
    return [fn(**call) for call in calls]


def match_all_sharded(con: duckdb.DuckDBPyConnection, config, config_dir: Path, folder: Path,
                      shards: int, mapper: Mapper = in_process, stats: dict | None = None,
                      **task_opts) -> dict:
    """``match_all`` over ``shards`` hash shards; returns its per-table counts. ``stats``
    receives per-task figures and the bytes passed between flow and tasks."""
    folder, clock = _fresh(folder), [time.perf_counter()]
    plan = match_shards.scatter(con, config, folder, shards)
    clock.append(time.perf_counter())
    done = mapper("match", match_shards.run_task,
                  [{"folder": str(folder), "tables": plan.tables, "task": k,
                    "config_dir": str(config_dir), **task_opts} for k in plan.tasks])
    clock.append(time.perf_counter())
    counts = match_shards.gather(con, plan)
    _record(stats, "match", folder, done, clock)
    log.info("match: gathered %d tasks", len(plan.tasks))
    return counts


def build_lists_sharded(con: duckdb.DuckDBPyConnection, config, config_dir: Path,
                        as_of: dt.date, folder: Path, shards: int,
                        mapper: Mapper = in_process, stats: dict | None = None,
                        **task_opts) -> dict:
    """``build_lists`` over ``shards`` person shards plus the county-wide gather."""
    folder, clock = _fresh(folder), [time.perf_counter()]
    years = years_in_play(con, as_of.year)  # county-wide: every shard gets the same years
    plan = rule_shards.scatter(con, config, folder, shards, years)
    clock.append(time.perf_counter())
    done = mapper("rules", rule_shards.run_task,
                  [{"folder": str(folder), "tables": plan.tables, "task": k,
                    "config_dir": str(config_dir), "as_of": as_of, "years": plan.years,
                    "registry": plan.registry, **task_opts} for k in range(shards)])
    done += mapper("progress", rule_shards.run_progress_task,
                   [{"folder": str(folder), "shards": shards, "config_dir": str(config_dir),
                     "as_of": as_of, "department": plan.department,
                     "replicated": plan.replicated, **task_opts}])
    clock.append(time.perf_counter())
    counts = rule_gather.gather(con, plan)
    _record(stats, "rules", folder, done, clock)
    log.info("lists gathered from %d shards: %s", shards, counts)
    return counts


def _record(stats: dict | None, phase: str, folder: Path, done: list[dict],
            clock: list[float]) -> None:
    """Per-task figures; bytes the flow wrote for the tasks (scatter) and they wrote back;
    the flow's own serial seconds (scatter, gather) and the tasks' wall."""
    if stats is None:
        return
    clock.append(time.perf_counter())
    scatter_s, tasks_s, gather_s = (round(b - a, 3) for a, b in itertools.pairwise(clock))
    stats[phase] = {"scatter_bytes": folder_bytes(folder / "in"),
                    "gather_bytes": folder_bytes(folder / "out"), "scatter_s": scatter_s,
                    "tasks_wall_s": tasks_s, "gather_s": gather_s, "tasks": done}


def _fresh(folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder
