"""``--executor dask`` on a LocalCluster of 2 workers: the lists, progress and the
workbooks of the local run, byte for byte; a dead worker fails the run and its task run;
every worker talks to the flow's one Prefect API. (The committed sample's golden digests
through the sharded steps: test_cli_dask.py; 1, 2 and 7 shards: tests/transforms/shard.)"""
from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import AS_OF

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def _outputs(out: Path) -> dict[str, str]:
    """sha256 of the lists, progress (csv, and xlsx where written) and the workbooks."""
    files = [*(out / "lists").glob("*.csv"), *out.glob("progress.*"),
             *(out / "townships").glob("*.xlsx")]
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in files}


def test_synthetic_county_on_a_local_cluster_of_2_workers_equals_the_local_run(
        tmp_path, config, prefect_harness):
    """The LocalCluster the run starts and stops: lists, progress, workbooks identical."""
    from flows.recon import recon_flow
    from flows.sharded import DaskOptions, run
    from synth import generate
    from transforms.export.stamp import warehouse_secret

    inbox = tmp_path / "inbox"
    generate(people=600, seed=9, as_of=AS_OF, out=inbox, truth=tmp_path / "truth", config=config)
    # one warehouse secret for both (the workbooks carry a stamp made with it)
    con = duckdb.connect(str(tmp_path / "l.duckdb"))
    warehouse_secret(con)
    con.close()
    shutil.copy(tmp_path / "l.duckdb", tmp_path / "d.duckdb")
    recon_flow(inbox=inbox, out=tmp_path / "local", as_of=AS_OF, warehouse=tmp_path / "l.duckdb")
    result = run(DaskOptions(workers=2, shards=3), inbox=inbox, out=tmp_path / "dask",
                 as_of=AS_OF, warehouse=tmp_path / "d.duckdb")
    local, sharded = _outputs(tmp_path / "local"), _outputs(tmp_path / "dask")
    assert len(local) > 10 and sharded == local
    cluster = result["cluster"]
    assert cluster["kind"] == "LocalCluster" and cluster["workers"] == 2
    assert cluster["address"].startswith("tcp://") and cluster["shards"] == 3
    assert result["counts"]["list_lapsed_payers"] > 0
    assert not list(tmp_path.glob(".dask.*"))  # scratch and staging removed


@pytest.fixture(scope="module")
def cluster():
    import dask
    from distributed import LocalCluster

    # one death is enough to give up (the default retries a task 3 times elsewhere)
    with (dask.config.set({"distributed.scheduler.allowed-failures": 0}),
          LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as c):
        yield c.scheduler_address


@pytest.mark.parametrize("seconds", [0, 2], ids=["at-once", "while-running"])
def test_a_worker_that_dies_fails_the_run_and_its_task_run(prefect_harness, cluster, seconds):
    from prefect import flow
    from prefect.client.orchestration import get_client
    from prefect_dask import DaskTaskRunner

    from flows.sharded import ShardFailed, prefect_mapper

    def die(task):
        time.sleep(seconds)
        os._exit(3)

    @flow(task_runner=DaskTaskRunner(address=cluster))
    def dies():
        prefect_mapper(f"boom{seconds}", die, [{"task": 0}])

    with pytest.raises(ShardFailed, match=f"step boom{seconds}, shard 0: .*KilledWorker"):
        dies()
    with get_client(sync_client=True) as client:
        runs = [r for r in client.read_task_runs() if r.name.startswith(f"boom{seconds}-shard")]
        flow_run = client.read_flow_run(runs[0].flow_run_id) if runs else None
    assert runs and all(r.state.type.value == "FAILED" for r in runs)
    assert flow_run.state.type.value == "FAILED"


def _api_seen_by_worker(task):
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL

    started = [s for s in SubprocessASGIServer._instances.values() if s.running]
    return {"api": PREFECT_API_URL.value(), "servers_started_here": len(started)}


def test_every_worker_talks_to_the_flows_one_prefect_api(prefect_harness, cluster):
    from prefect import flow
    from prefect_dask import DaskTaskRunner

    from flows.sharded import one_prefect_api, prefect_mapper

    @flow(task_runner=DaskTaskRunner(address=cluster))
    def ask():
        return prefect_mapper("api", _api_seen_by_worker, [{"task": k} for k in range(4)])

    with one_prefect_api() as (api, temporary):
        seen = ask()
    assert not temporary  # the harness's API was taken, none started
    assert seen == [{"api": api, "servers_started_here": 0}] * 4
