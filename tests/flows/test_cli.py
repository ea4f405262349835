"""The `recon` command as a data officer types it."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from flows.cli import app
from tests.conftest import AS_OF

runner = CliRunner()


def test_check_config_reports_the_county():
    result = runner.invoke(app, ["check-config"])
    assert result.exit_code == 0, result.output
    assert "靖远县 (620421), 18 townships, 13 tables" in result.output


def test_a_missing_inbox_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["run", "--inbox", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "inbox not found" in result.output


def test_a_bad_as_of_date_is_refused(tmp_path):
    result = runner.invoke(app, ["run", "--inbox", str(tmp_path), "--as-of", "2026-02-30"])
    assert result.exit_code != 0
    assert "not a date" in result.output


def test_run_defaults_the_output_folder_to_exports_of_the_as_of_date(
        tmp_path, monkeypatch, config, prefect_harness):
    from synth import generate

    monkeypatch.chdir(tmp_path)
    generate(people=600, seed=3, as_of=AS_OF, out=tmp_path / "data" / "inbox",
             truth=tmp_path / "data" / "inbox.truth", config=config)
    result = runner.invoke(app, ["run", "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 0, result.output
    out = tmp_path / "data" / "exports" / AS_OF.isoformat()
    assert f"outputs: data/exports/{AS_OF.isoformat()}" in result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["as_of"] == AS_OF.isoformat()
    assert (tmp_path / "data" / "warehouse" / "recon.duckdb").is_file()
    assert "list_deceased_accounts" in result.output and "review_queue" in result.output
    assert "new cases since earlier runs" in result.output


def test_a_busy_warehouse_stops_with_a_clear_message(tmp_path, monkeypatch):
    import flows.lock
    import flows.recon

    def busy(**_):
        raise flows.lock.WarehouseBusy("data/warehouse/recon.duckdb is in use by another run")

    monkeypatch.setattr(flows.recon, "recon_flow", busy)
    result = runner.invoke(app, ["run", "--inbox", str(tmp_path)])
    assert result.exit_code == 3
    assert "not run: data/warehouse/recon.duckdb is in use" in result.output
