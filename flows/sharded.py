"""``recon run --executor dask``: the match and rules steps sharded over a Dask cluster
through prefect-dask's DaskTaskRunner (docs/sharding.md). Wiring only: the shard
functions are in transforms/shard/.

- The cluster: ``--dask-address`` (an existing scheduler), else a LocalCluster of
  ``--dask-workers`` processes, started and stopped by the run.
- One Prefect API for the flow and every worker: PREFECT_API_URL when set, else one
  temporary server started here; the URL goes to the workers' environment, so no worker
  starts a server of its own.
- Only this process writes the warehouse; tasks exchange parquet under a scratch folder
  beside the out folder, removed at the end.
- A dead worker: Dask reruns its task (prefect #15442; the tasks write the same files
  atomically, so a rerun is harmless); when Dask gives up (KilledWorker) the task run
  is marked Failed in Prefect (#21638) and the run stops with ShardFailed.
"""
from __future__ import annotations

import contextlib
import logging
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


# Figures of the last sharded run in this process (per task, bytes moved): for benchmarks.
LAST_STATS: dict = {}


class ShardFailed(RuntimeError):
    """A shard task failed or its worker died; the message names the step and the shard."""


@dataclass(frozen=True)
class DaskOptions:
    address: str | None = None  # an existing scheduler, e.g. tcp://10.0.0.5:8786
    workers: int = 2  # LocalCluster worker processes when no address is given
    shards: int | None = None  # person/ID shards; default: one per worker thread


@contextlib.contextmanager
def one_prefect_api():
    """The Prefect API every process of the run talks to; yields its URL."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    url = PREFECT_API_URL.value()
    server = None
    if not url:
        from prefect.server.api.server import SubprocessASGIServer

        server = SubprocessASGIServer()
        server.start()
        url = server.api_url
    before = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = url  # inherited by LocalCluster workers
    try:
        with temporary_settings({PREFECT_API_URL: url}):
            yield url, server is not None
    finally:
        if before is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = before
        if server is not None:
            server.stop()


@contextlib.contextmanager
def dask_cluster(options: DaskOptions):
    """Yields ``(address, description, workers)``: the scheduler to use and what it is."""
    from distributed import Client, LocalCluster

    cluster = None
    if options.address:
        address = options.address
    else:
        cluster = LocalCluster(n_workers=options.workers, processes=True,
                               threads_per_worker=max(1, (os.cpu_count() or 1) // options.workers),
                               dashboard_address=None, scheduler_port=0)
        address = cluster.scheduler_address
    try:
        with Client(address, set_as_default=False) as client:
            client.wait_for_workers(1, timeout=120)
            workers = client.scheduler_info(n_workers=-1)["workers"]
            warming = [client.submit(warm_up, pure=False, workers=[w],  # noqa: F841
                                     allow_other_workers=False) for w in workers]
            kind = "existing scheduler" if cluster is None else "LocalCluster"
            yield address, kind, workers
    finally:
        if cluster is not None:
            cluster.close()


def warm_up() -> None:  # runs while the flow ingests
    """On each worker: import what the shard tasks run (Prefect's task engine, DuckDB,
    the matcher and the rules), so the first task does not pay for it."""
    import importlib

    for module in ("prefect.task_engine", "prefect_dask", "duckdb",
                   "transforms.shard.match_shards", "transforms.shard.rule_shards",
                   "transforms.rules.people", "transforms.rules.progress"):
        try:
            importlib.import_module(module)
        except ImportError:  # only a head start: the task imports what it needs
            log.warning("warm-up: no module %s", module)


def task_options(workers: dict) -> dict:
    """DuckDB threads and memory for a task: the smallest worker's, memory at half its
    limit so DuckDB stays under the nanny's (which kills a worker that exceeds it)."""
    threads = min(w.get("nthreads", 1) for w in workers.values())
    limits = [w.get("memory_limit") or 0 for w in workers.values()]
    memory = f"{max(256, min(limits) // 2 // 2**20)}MB" if all(limits) else None
    return {"threads": threads, "memory_limit": memory}


def prefect_mapper(step: str, fn, calls: list[dict]) -> list:
    """Every call as a Prefect task on the flow's task runner; all finish before any
    failure is raised, so no task still writes into a scratch folder being removed."""
    from distributed.scheduler import KilledWorker
    from prefect import task
    from prefect.cache_policies import NONE
    from prefect.futures import wait

    shard_task = task(fn, name=f"{step}-shard", cache_policy=NONE, persist_result=False)
    futures = [shard_task.submit(**call) for call in calls]
    wait(futures)
    results = []
    for call, future in zip(calls, futures):
        label = f"step {step}, shard {call.get('task', 0)}"
        try:
            results.append(future.result())
        except KilledWorker as exc:
            _mark_failed(shard_task, future.task_run_id, label,
                         f"{label}: worker died (KilledWorker): {exc}")
            raise ShardFailed(f"{label}: its worker died repeatedly (KilledWorker); "
                              "see the Dask worker logs") from exc
        except Exception as exc:
            raise ShardFailed(f"{label}: {type(exc).__name__}: {exc}") from exc
    return results


def _mark_failed(shard_task, task_run_id, label: str, message: str) -> None:
    """prefect #21638: a KilledWorker leaves the task run RUNNING; record it Failed (and
    create it Failed when the worker died before its first state reached the API)."""
    from prefect.client.orchestration import get_client
    from prefect.context import FlowRunContext
    from prefect.exceptions import ObjectNotFound, PrefectHTTPStatusError
    from prefect.states import Failed

    try:
        with get_client(sync_client=True) as client:
            try:
                client.set_task_run_state(task_run_id, Failed(message=message), force=True)
            except (ObjectNotFound, PrefectHTTPStatusError):  # never reached the API
                context = FlowRunContext.get()
                client.create_task_run(
                    shard_task, context.flow_run.id if context else None,
                    dynamic_key=label.replace(" ", ""), id=task_run_id, name=shard_task.name,
                    state=Failed(message=message))
    except Exception:  # the run fails anyway; the state is bookkeeping
        log.warning("could not mark task run %s failed", task_run_id, exc_info=True)


def scratch_for(out: Path) -> Path:
    """Shard files beside the out folder (the run's temporary area), one per process;
    under $PENSION_RECON_SCRATCH instead when set (a disk every worker mounts)."""
    out = out.resolve()
    base = Path(os.environ.get("PENSION_RECON_SCRATCH") or out.parent)
    return base / f".{out.name}.shards-{os.getpid()}"


def match_sharded(con, config, config_dir: Path, as_of, out: Path, shards: int, opts: dict,
                  timings: dict) -> dict:
    """match_step's work: the sharded match_all, then the townships' 是/否 on review
    pairs applied in the warehouse, as after a local match."""
    from transforms.cases import apply_match_decisions
    from transforms.shard import match_all_sharded

    start = time.perf_counter()
    LAST_STATS.clear()
    counts = match_all_sharded(con, config, Path(config_dir).resolve(),
                               scratch_for(out) / "match", shards, prefect_mapper,
                               stats=LAST_STATS, **opts)
    counts["decisions"] = apply_match_decisions(con, config, as_of)  # RULES §8 是/否
    timings["match"] = round(time.perf_counter() - start, 3)
    return counts


def rules_sharded(con, config, config_dir: Path, as_of, out: Path, shards: int, opts: dict,
                  timings: dict) -> dict:
    from transforms.shard import build_lists_sharded

    start = time.perf_counter()
    try:
        return build_lists_sharded(con, config, Path(config_dir).resolve(), as_of,
                                   scratch_for(out) / "rules", shards, prefect_mapper,
                                   stats=LAST_STATS, **opts)
    finally:
        timings["rules"] = round(time.perf_counter() - start, 3)
        shutil.rmtree(scratch_for(out), ignore_errors=True)


def run(options: DaskOptions, **flow_args) -> dict:
    """The reconciliation flow on the cluster ``options`` names, with one Prefect API."""
    from prefect_dask import DaskTaskRunner

    from flows.recon import recon_flow

    with one_prefect_api() as (api, temporary), dask_cluster(options) as (address, kind, workers):
        threads = sum(w.get("nthreads", 1) for w in workers.values())
        shards = options.shards or threads
        log.info("dask: %s at %s, %d workers (%d threads), %d shards; Prefect API %s%s",
                 kind, address, len(workers), threads, shards, api,
                 " (temporary, started for this run)" if temporary else "")
        if options.address and temporary:
            log.warning("dask: remote workers cannot reach a temporary API on 127.0.0.1; "
                        "set PREFECT_API_URL to a server every worker reaches")
        flow = recon_flow.with_options(task_runner=DaskTaskRunner(address=address))
        try:
            result = flow(**flow_args, executor="dask", shards=shards,
                          shard_options=task_options(workers))
            return {**result, "cluster": {"kind": kind, "address": address,
                                          "workers": len(workers), "threads": threads,
                                          "shards": shards, "prefect_api": api}}
        finally:
            shutil.rmtree(scratch_for(flow_args["out"]), ignore_errors=True)
