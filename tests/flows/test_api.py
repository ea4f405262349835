"""The Prefect API of `recon run` (flows/api.py): what the temporary API is started
with, and that a fresh `recon run` on it leaves a real flow run with its task runs."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from flows import api
from flows.cli import GC_THRESHOLDS, _flow_settings

RECON = Path(sys.executable).with_name("recon")
STEPS = ["ingest", "match", "rules", "cases", "export", "publish"]


def test_heartbeats_are_off_only_against_the_temporary_api():
    assert _flow_settings("http://127.0.0.1:9/api", True) == {
        "api.url": "http://127.0.0.1:9/api", "flows.heartbeat_frequency": None}
    assert _flow_settings("http://127.0.0.1:4200/api", False) == {
        "api.url": "http://127.0.0.1:4200/api"}


def test_the_run_collects_young_garbage_less_often_but_still_collects():
    assert GC_THRESHOLDS == (10_000, 10, 10)


def test_block_registration_is_skipped_only_for_a_registered_default_database(tmp_path):
    env = {"PREFECT_HOME": str(tmp_path)}
    assert api.registered_blocks_env(env) == {}  # a new database registers
    (tmp_path / "prefect.db").write_bytes(b"")
    assert api.registered_blocks_env(env) == {}  # no memo: never registered
    (tmp_path / "memo_store.toml").write_text('block_auto_registration = "ab12"\n')
    assert api.registered_blocks_env(env) == {
        "PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION": "false",
        "PREFECT_API_BLOCKS_REGISTER_ON_START": "false"}
    other = {**env, "PREFECT_API_DATABASE_CONNECTION_URL": "postgresql+asyncpg://db/prefect"}
    assert api.registered_blocks_env(other) == {}


def test_nothing_listens_on_a_closed_port():
    port = api.free_port()
    assert not api.answers("127.0.0.1", port, 0.5)


def _runs(db: Path) -> list[tuple]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        flow_runs = con.execute(
            "SELECT fr.id, fr.state_type FROM flow_run fr JOIN flow f ON f.id = fr.flow_id "
            "WHERE f.name = 'pension-recon' ORDER BY fr.created").fetchall()
        return [(state, [row[0].rsplit("-", 1)[0] + ":" + row[1] for row in con.execute(
                    "SELECT name, state_type FROM task_run WHERE flow_run_id = ? "
                    "ORDER BY start_time", (run_id,))],
                 con.execute("SELECT count(*) FROM log WHERE flow_run_id = ?",
                             (run_id,)).fetchone()[0])
                for run_id, state in flow_runs]


def test_a_fresh_recon_run_on_the_temporary_api_records_its_flow_and_task_runs(tmp_path):
    """Twice in one new PREFECT_HOME: the first run migrates the database and registers
    the block types, the second skips the registration; both leave a COMPLETED flow
    run with its six COMPLETED task runs and their log lines."""
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PENSION_RECON_HOME"] = str(home)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for n in (1, 2):
        done = subprocess.run(
            [str(RECON), "run", "--inbox", str(inbox), "--as-of", "2025-06-30",
             "--out", str(tmp_path / f"out{n}"), "--warehouse", str(tmp_path / "w.duckdb")],
            env=env, capture_output=True, text=True, timeout=240, check=False)
        assert done.returncode == 0, done.stderr[-3000:]
        assert "Traceback" not in done.stderr
        if n == 1:
            assert api.registered_blocks_env({"PREFECT_HOME": str(home)})
    runs = _runs(home / "prefect.db")
    assert [(state, tasks) for state, tasks, _ in runs] == [
        ("COMPLETED", [f"{step}:COMPLETED" for step in STEPS])] * 2
    assert all(logs >= len(STEPS) for _, _, logs in runs)  # one line per step at least
