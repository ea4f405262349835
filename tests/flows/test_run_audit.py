"""The weekly publication and the outcome of a run in its audit line."""
import datetime as dt

from flows import run_audit
from flows.lock import WarehouseBusy
from flows.pipeline import RunRequest, StepFailed
from transforms.audit import read_events


def test_the_weekly_run_publishes_the_progress_table_with_an_export_line(tmp_path, config):
    req = RunRequest(inbox=tmp_path, as_of=dt.date(2025, 6, 30), config=config,
                     out=tmp_path / "out", warehouse=tmp_path / "w" / "recon.duckdb",
                     publish_weekly=True, weekly_root=tmp_path / "weekly")
    req.out.mkdir()
    (req.out / "progress.csv").write_text("township\n乌兰镇\n", encoding="utf-8")
    published = run_audit.publish_weekly(req)
    target = tmp_path / "weekly" / "2025-06-30" / "progress.csv"
    assert published == [str(target)]  # progress.xlsx not written: logged, not invented
    assert target.read_text(encoding="utf-8") == "township\n乌兰镇\n"
    [event] = read_events(req.warehouse)
    assert event["kind"] == "export" and event["outputs"][0]["file"] == str(target)
    assert len(event["outputs"][0]["sha256"]) == 64


def test_outcomes_and_exit_codes_follow_the_contract(tmp_path):
    assert run_audit.outcome_of(None) == ("ok", 0)
    assert run_audit.outcome_of(WarehouseBusy(tmp_path, {"pid": 1}, 0)) == ("refused", 3)
    assert run_audit.outcome_of(StepFailed("rules", ValueError("x"))) == ("failed", 1)
    assert run_audit.outcome_of(KeyboardInterrupt()) == ("interrupted", 130)
