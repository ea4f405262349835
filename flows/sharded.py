"""``recon run --executor dask``: the match and rules steps of the run
(flows/pipeline.py) sharded over a Dask cluster through prefect-dask's DaskTaskRunner
(docs/sharding.md); every other step, the lock, the atomic out folder, the console and
the audit line are the local run's. Wiring only: the shard functions are in
transforms/shard/.

- The cluster: ``--dask-address`` (an existing scheduler), else a LocalCluster of
  ``--dask-workers`` processes, started and stopped by the run.
- One Prefect API for the flow and every worker: PREFECT_API_URL when set, else one
  temporary server started here; the URL goes to the workers' environment, so no worker
  starts a server of its own.
- Only this process writes the warehouse; tasks exchange parquet under a scratch folder
  ``.<out>.shards-<pid>`` beside the out folder, removed at the end (and, after a kill,
  by the next run on that out folder, as its partial folder is).
- A dead worker: Dask reruns its task (prefect #15442; the tasks write the same files
  atomically, so a rerun is harmless); when Dask gives up (KilledWorker) the task run
  is marked Failed in Prefect (#21638) and the run stops with ShardFailed.
"""
from __future__ import annotations

import contextlib
import logging
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
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
    """The Prefect API every process of the run talks to (PREFECT_API_URL, else one
    temporary server started here); yields ``(url, temporary)``. `recon run` finds its
    API itself (flows/cli.py); this is for ``run`` below (tests, benchmarks)."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    url = PREFECT_API_URL.value()
    server = None
    if not url:
        from prefect.server.api.server import SubprocessASGIServer

        server = SubprocessASGIServer()
        server.start()
        url = server.api_url
    try:
        with temporary_settings({PREFECT_API_URL: url}), workers_api(url):
            yield url, server is not None
    finally:
        if server is not None:
            server.stop()


@contextlib.contextmanager
def workers_api(url: str):
    """PREFECT_API_URL in this process's environment while the cluster lives: the
    LocalCluster's worker processes inherit it, so none starts a server of its own."""
    before = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = url
    try:
        yield url
    finally:
        if before is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = before


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


def warm_up() -> None:  # runs while the flow starts
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
    with _outside_the_step_task():
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


@contextlib.contextmanager
def _outside_the_step_task():
    """Submit as children of the flow run, not of the step's task (flows/recon.py runs
    each step as a task): Prefect sends the current task run's context to the worker,
    and the step's task is a method of the run, which holds the warehouse connection
    (never to be pickled, nor sent to a worker)."""
    from prefect.context import TaskRunContext

    token = TaskRunContext.__var__.set(None)
    try:
        yield
    finally:
        TaskRunContext.__var__.reset(token)


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


@dataclass
class Sharding:
    """What a Reconciliation's match and rules steps shard with (flows/pipeline.py):
    the shard count, the scratch folder, the tasks' DuckDB sizing, the mapper that runs
    the tasks (Prefect tasks on the flow's task runner) and the cluster it describes."""
    shards: int
    scratch: Path
    task_options: dict = field(default_factory=dict)
    cluster: dict = field(default_factory=dict)
    mapper: Callable = prefect_mapper
    stats: dict = field(default_factory=lambda: LAST_STATS)

    def match(self, con, config) -> dict:
        """``match_all``'s effect and counts, over the shards."""
        from transforms.shard import match_all_sharded

        self.stats.clear()
        return match_all_sharded(con, config, Path(config.directory).resolve(),
                                 self.scratch / "match", self.shards, self.mapper,
                                 stats=self.stats, **self.task_options)

    def rules(self, con, config, as_of) -> dict:
        """``build_lists``'s effect and counts, over the shards; the scratch is removed."""
        from transforms.shard import build_lists_sharded

        try:
            return build_lists_sharded(con, config, Path(config.directory).resolve(), as_of,
                                       self.scratch / "rules", self.shards, self.mapper,
                                       stats=self.stats, **self.task_options)
        finally:
            self.remove_scratch()

    def remove_scratch(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)


def describe(cluster: dict) -> str:
    """The cluster line of the console (Chinese: the officer reads it)."""
    text = (f"Dask 集群：{cluster['kind']} {cluster['address']}，{cluster['workers']} 个工作进程"
            f"（{cluster['threads']} 个线程），{cluster['shards']} 个分片；"
            f"Prefect API {cluster['prefect_api']}")
    return text + ("（本次运行临时启动）" if cluster.get("temporary_api") else "")


@contextlib.contextmanager
def on_cluster(recon, options: DaskOptions, api_url: str, temporary_api: bool = False):
    """Start (or attach to) the cluster, every worker on ``api_url``; ``recon`` shards
    its match and rules steps over it. Yields ``(flow, cluster)``: recon_flow on the
    cluster's DaskTaskRunner, to run with ``recon`` handed over, and what the cluster is
    (also in ``recon.sharding.cluster``: the run's result and audit line name it)."""
    from prefect_dask import DaskTaskRunner

    from flows.recon import recon_flow

    with workers_api(api_url), dask_cluster(options) as (address, kind, workers):
        threads = sum(w.get("nthreads", 1) for w in workers.values())
        shards = options.shards or threads
        cluster = {"kind": kind, "address": address, "workers": len(workers),
                   "threads": threads, "shards": shards, "prefect_api": api_url,
                   "temporary_api": temporary_api}
        log.info("dask: %s at %s, %d workers (%d threads), %d shards; Prefect API %s%s",
                 kind, address, len(workers), threads, shards, api_url,
                 " (temporary, started for this run)" if temporary_api else "")
        if options.address and temporary_api:
            log.warning("dask: remote workers cannot reach a temporary API on 127.0.0.1; "
                        "set PREFECT_API_URL to a server every worker reaches")
        recon.sharding = Sharding(shards=shards, scratch=scratch_for(recon.request.out),
                                  task_options=task_options(workers), cluster=cluster)
        try:
            yield recon_flow.with_options(task_runner=DaskTaskRunner(address=address)), cluster
        finally:
            recon.sharding.remove_scratch()


def run(options: DaskOptions, **request_args) -> dict:
    """One sharded run without the CLI (tests, benchmarks): ``request_args`` as for
    ``RunRequest`` (``config`` may be left out), one Prefect API, the cluster
    ``options`` names; the run's result with its ``cluster``."""
    from flows import defaults
    from flows.pipeline import Reconciliation, RunRequest
    from flows.recon import handing_over
    from transforms.config import load_config

    request_args.setdefault("config", load_config(request_args.pop("config_dir", None)
                                                  or defaults.CONFIG_DIR))
    request_args.setdefault("command", "recon run --executor dask")
    with (one_prefect_api() as (api, temporary), Reconciliation(RunRequest(**request_args)) as recon,
          on_cluster(recon, options, api, temporary) as (flow, cluster), handing_over(recon)):
        result = flow(warehouse=recon.request.warehouse)
    return {**result, "cluster": cluster}

