"""`recon run --executor …` options as a data officer types them (no cluster started)."""
from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from flows.cli import app

runner = CliRunner()


def test_an_unknown_executor_is_refused_naming_the_option(tmp_path):
    result = runner.invoke(app, ["run", "--inbox", str(tmp_path), "--executor", "spark"])
    assert result.exit_code == 2
    assert "--executor" in result.output


def test_zero_dask_workers_is_refused(tmp_path):
    result = runner.invoke(app, ["run", "--inbox", str(tmp_path), "--executor", "dask",
                                 "--dask-workers", "0"])
    assert result.exit_code == 2


def test_the_dask_options_reach_the_sharded_run(tmp_path, monkeypatch):
    import flows.sharded

    seen = {}

    def fake_run(options, **args):
        seen.update(options=options, **args)
        return {"out": str(args["out"]), "counts": {"list_lapsed_payers": 3}, "new_cases": 0}

    monkeypatch.setattr(flows.sharded, "run", fake_run)
    result = runner.invoke(app, ["run", "--inbox", str(tmp_path), "--out", str(tmp_path / "o"),
                                 "--executor", "dask", "--dask-address", "tcp://10.0.0.5:8786",
                                 "--dask-workers", "3"])
    assert result.exit_code == 0, result.output
    assert seen["options"] == flows.sharded.DaskOptions(address="tcp://10.0.0.5:8786", workers=3)
    assert seen["out"] == Path(tmp_path / "o")


def test_a_failed_shard_exits_1_with_one_line_naming_step_and_shard(tmp_path, monkeypatch):
    import flows.sharded

    def dies(options, **args):
        raise flows.sharded.ShardFailed("step rules, shard 1: its worker died repeatedly "
                                        "(KilledWorker); see the Dask worker logs")

    monkeypatch.setattr(flows.sharded, "run", dies)
    result = runner.invoke(app, ["run", "--inbox", str(tmp_path), "--executor", "dask"])
    assert result.exit_code == 1
    assert "run failed: step rules, shard 1: its worker died repeatedly" in result.output
