"""The `recon` command as a data officer types it."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from flows.cli import app
from tests.conftest import AS_OF

runner = CliRunner()
RECON = Path(sys.executable).with_name("recon")


def test_check_config_reports_the_county():
    result = runner.invoke(app, ["check-config"])
    assert result.exit_code == 0, result.output
    assert "靖远县 (620421), 18 townships, 13 tables" in result.output


def test_check_config_names_a_bad_export_value(tmp_path):
    import shutil

    from transforms.config import DEFAULT_CONFIG_DIR

    shutil.copytree(DEFAULT_CONFIG_DIR, tmp_path / "config")
    path = tmp_path / "config" / "operations.yaml"
    text = path.read_text(encoding="utf-8")
    bad = re.sub(r"worker_share: [0-9.]+ ", "worker_share: 1.5 ", text)
    assert bad != text
    path.write_text(bad, encoding="utf-8")
    result = runner.invoke(app, ["check-config", "--config", str(tmp_path / "config")])
    assert result.exit_code == 2
    assert f"{path}: export.worker_share: Input should be less than or equal to 1" \
        in result.output and "Traceback" not in result.output


def test_a_missing_inbox_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["run", "--inbox", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "inbox not found" in result.output and "Traceback" not in result.output


def test_a_bad_as_of_date_is_refused_naming_the_option(tmp_path):
    result = runner.invoke(app, ["run", "--inbox", str(tmp_path), "--as-of", "2026-02-30"])
    assert result.exit_code == 2
    assert "not a date" in result.output and "--as-of" in result.output


def test_help_shows_every_default_and_no_type_placeholders():
    result = runner.invoke(app, ["run", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    for expected in ("--inbox DIR", "[default: data/inbox]", "[default: data/exports/<as-of>]",
                     "[default: today, county time]", "[default: data/warehouse/recon.duckdb]",
                     "--wait SECONDS", "[default: 0", "[default: data/config]",
                     "[default: masked]", "-v, --verbose"):
        assert expected in text, expected
    assert "<bool>" not in text and "<path>" not in text and "<str>" not in text


def test_run_defaults_the_output_folder_and_ends_with_the_chinese_summary(
        tmp_path, monkeypatch, config, prefect_harness):
    from synth import generate

    monkeypatch.chdir(tmp_path)
    generate(people=600, seed=3, as_of=AS_OF, out=tmp_path / "data" / "inbox",
             truth=tmp_path / "data" / "inbox.truth", config=config)
    result = runner.invoke(app, ["run", "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 0, result.output
    out = tmp_path / "data" / "exports" / AS_OF.isoformat()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["as_of"] == AS_OF.isoformat()
    assert (tmp_path / "data" / "warehouse" / "recon.duckdb").is_file()
    text = result.output
    assert text.index("对账开始") < text.index("读入与清洗")  # a line at once
    for label in ("死亡未销户", "待人工确认", "本次新增案件", "案件状态", "新增", "隔离的数据行"):
        assert label in text, label
    assert f"报告：data/exports/{AS_OF.isoformat()}/report.html" in text
    assert "list_deceased_accounts" not in text
    events = [json.loads(line) for line in
              (tmp_path / "data" / "warehouse" / "audit.jsonl").read_text().splitlines()]
    run = [e for e in events if e["kind"] == "run"][-1]
    assert run["outcome"] == "ok" and run["exit_code"] == 0
    assert {i["file"] for i in run["inputs"]} == {i["file"] for i in manifest["inputs"]}
    assert {o["file"] for o in run["outputs"]} == {o["file"] for o in manifest["outputs"]}
    assert run["townships"] and all(i["sha256"] for i in run["inputs"])


HOLD = """
import sys, time
from pathlib import Path
from flows.lock import warehouse_lock
with warehouse_lock(Path(sys.argv[1]), command="recon run (first)"):
    print("held", flush=True)
    time.sleep(60)
"""


def test_a_busy_warehouse_is_refused_within_seconds_with_one_line(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(warehouse)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        start = time.monotonic()
        done = subprocess.run([str(RECON), "run", "--inbox", str(tmp_path),
                               "--warehouse", str(warehouse), "--out", str(tmp_path / "o")],
                              check=False, capture_output=True, text=True, timeout=60)
        seconds = time.monotonic() - start
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 3, done.stderr
    refusal = [line for line in done.stderr.splitlines() if line.startswith("not run:")]
    assert len(refusal) == 1 and f"pid {holder.pid}" in refusal[0]
    assert "recon run (first)" in refusal[0] and "--wait" in refusal[0]
    assert "Traceback" not in done.stderr
    assert seconds < 10, seconds
    print(f"\nrefused in {seconds:.2f} s")
    events = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert events[-1]["outcome"] == "refused" and events[-1]["exit_code"] == 3
    assert not (tmp_path / "o").exists()


def test_an_unexpected_failure_is_one_line_naming_the_step(tmp_path, monkeypatch):
    import flows.pipeline

    def broken(self):
        raise flows.pipeline.StepFailed("ingest", ValueError("disk on fire"))

    monkeypatch.setattr(flows.pipeline.Reconciliation, "ingest", broken)
    monkeypatch.setenv("PREFECT_API_URL", "")
    result = runner.invoke(app, ["run", "--inbox", str(tmp_path), "--warehouse",
                                 str(tmp_path / "w.duckdb"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "failed: step ingest failed: ValueError: disk on fire" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "o").exists()
    assert not list(tmp_path.glob(".o.partial-*"))


def test_a_bad_option_is_one_line_and_exit_two():
    done = subprocess.run([str(RECON), "run", "--wiat", "5"], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: No such option: --wiat (Possible options: --wait) (see `recon run --help`)"]
