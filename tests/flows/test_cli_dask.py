"""`recon run --executor dask` as a data officer types it: the options reach the
cluster, the console and the audit line name it, the match and rules steps are sharded
inside the run's own steps (lock, staging folder, audit) and a failed shard is one line
naming the step and the shard. The cluster is replaced by the shard tasks in this
process (flows/sharded.py's on_cluster is the only part faked); the real cluster runs
in test_sharded_cluster.py."""
from __future__ import annotations

import contextlib
import json

import pytest
from typer.testing import CliRunner

from flows.cli import app
from tests.golden.golden import DIGESTS, ROOT, SAMPLE_AS_OF, list_digests

runner = CliRunner()
SAMPLE = ROOT / "data" / "sample" / "inbox"


def test_an_unknown_executor_is_refused_naming_the_option(tmp_path):
    result = runner.invoke(app, ["run", "--inbox", str(tmp_path), "--executor", "spark"])
    assert result.exit_code == 2
    assert "--executor" in result.output


def test_zero_dask_workers_is_refused(tmp_path):
    result = runner.invoke(app, ["run", "--inbox", str(tmp_path), "--executor", "dask",
                                 "--dask-workers", "0"])
    assert result.exit_code == 2
    assert "--dask-workers" in result.output


def _fake_cluster(monkeypatch, seen: dict, mapper=None):
    """on_cluster without Dask: the same Sharding, its tasks run in this process."""
    import flows.sharded
    from transforms.shard import in_process

    @contextlib.contextmanager
    def on_cluster(recon, options, api_url, temporary_api=False):
        from flows.recon import recon_flow

        cluster = {"kind": "existing scheduler", "address": options.address, "workers": 3,
                   "threads": 3, "shards": 3, "prefect_api": api_url,
                   "temporary_api": temporary_api}
        seen.update(options=options, api=api_url)
        recon.sharding = flows.sharded.Sharding(
            shards=3, scratch=flows.sharded.scratch_for(recon.request.out),
            cluster=cluster, mapper=mapper or in_process)
        try:
            yield recon_flow, cluster
        finally:
            recon.sharding.remove_scratch()

    monkeypatch.setattr(flows.sharded, "on_cluster", on_cluster)


def _audit(tmp_path) -> dict:
    lines = (tmp_path / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    return [e for e in map(json.loads, lines) if e["kind"] == "run"][-1]


@pytest.mark.e2e
def test_the_dask_options_reach_the_cluster_and_the_console_and_audit_name_it(
        tmp_path, monkeypatch, prefect_harness):
    from flows.sharded import DaskOptions

    seen: dict = {}
    _fake_cluster(monkeypatch, seen)
    out = tmp_path / "o"
    result = runner.invoke(app, ["run", "--inbox", str(SAMPLE), "--out", str(out),
                                 "--as-of", SAMPLE_AS_OF.isoformat(), "--warehouse",
                                 str(tmp_path / "w.duckdb"), "--executor", "dask",
                                 "--dask-address", "tcp://10.0.0.5:8786", "--dask-workers", "3"])
    assert result.exit_code == 0, result.output
    assert seen["options"] == DaskOptions(address="tcp://10.0.0.5:8786", workers=3)
    assert "Dask 集群：existing scheduler tcp://10.0.0.5:8786，3 个工作进程" in result.output
    assert "死亡未销户" in result.output and "对账完成" in result.output
    assert list_digests(out) == json.loads(DIGESTS.read_text(encoding="utf-8"))["sample"]
    run = _audit(tmp_path)
    assert run["outcome"] == "ok" and run["executor"] == "dask"
    assert run["cluster"]["address"] == "tcp://10.0.0.5:8786"
    assert not list(tmp_path.glob(".o.*"))  # neither staging nor shard scratch left


@pytest.mark.e2e
def test_a_failed_shard_exits_1_with_one_line_naming_step_and_shard(
        tmp_path, monkeypatch, prefect_harness):
    from flows.sharded import ShardFailed
    from transforms.shard import in_process

    def mapper(step, fn, calls):
        if step == "rules":
            raise ShardFailed("step rules, shard 1: its worker died repeatedly "
                              "(KilledWorker); see the Dask worker logs")
        return in_process(step, fn, calls)

    _fake_cluster(monkeypatch, {}, mapper)
    result = runner.invoke(app, ["run", "--inbox", str(SAMPLE), "--out", str(tmp_path / "o"),
                                 "--as-of", SAMPLE_AS_OF.isoformat(), "--warehouse",
                                 str(tmp_path / "w.duckdb"), "--executor", "dask"])
    assert result.exit_code == 1, result.output
    assert ("failed: step rules failed: ShardFailed: step rules, shard 1: its worker died "
            "repeatedly") in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "o").exists() and not list(tmp_path.glob(".o.*"))
    run = _audit(tmp_path)
    assert run["outcome"] == "failed" and run["step"] == "rules" and run["exit_code"] == 1


@pytest.mark.e2e
def test_a_scheduler_that_does_not_answer_is_one_line_exit_1_and_nothing_published(
        tmp_path, prefect_harness):
    import dask
    import distributed  # noqa: F401  (its defaults loaded first: set() restores them after)

    (tmp_path / "in").mkdir()
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        result = runner.invoke(app, ["run", "--inbox", str(tmp_path / "in"), "--out",
                                     str(tmp_path / "o"), "--warehouse", str(tmp_path / "w.duckdb"),
                                     "--executor", "dask", "--dask-address", "tcp://127.0.0.1:9"])
    assert result.exit_code == 1, result.output
    assert "failed: step dask failed: OSError: Timed out trying to connect to tcp://127.0.0.1:9" \
        in result.output
    assert not (tmp_path / "o").exists() and not list(tmp_path.glob(".o.*"))
    run = _audit(tmp_path)
    assert run["outcome"] == "failed" and run["step"] == "dask"
