"""CONTRACT §2 "All or nothing": a run SIGKILLed at any moment leaves the previous
outputs and the warehouse usable, and the next run is identical to an unkilled one.

One unkilled reference run of the committed sample, then a chain of runs on the same
warehouse and out folder, each killed at the next named point (``flows/faults.py``;
the points are progress events, a ``+s`` suffix kills that many seconds later, in the
middle of the work that follows). After each kill: the out folder is the complete
previous one (or, past the rename, the complete new one), and the warehouse opens.
Each killed run is the rerun of the one before it; the last, unkilled run must give
lists, progress and workbooks byte-identical to the reference. The runs are plain
subprocesses of the run's steps (``flows.pipeline``), without Prefect's API.
"""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from flows.faults import ENV

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample" / "inbox"
AS_OF = dt.date(2025, 6, 30)

# (name, RECON_KILL_AT): at least one point in every step (issue #10).
POINTS = [
    ("ingest, between two files of one table", "ingest.file#3"),
    ("ingest, in the middle of a file", "ingest.file#7+0.02"),
    ("ingest, between tables", "ingest.table#5"),
    ("after the ingest commit, before match", "ingest.done"),
    ("during match", "match.start+0.05"),
    ("during rules", "rules.start+0.3"),
    ("export, between two lists", "export.list#4"),
    ("export, in the middle of a workbook", "export.workbook#6+0.01"),
    ("after export, before the warehouse commit", "export.done"),
    ("after the warehouse commit, before the folder rename", "commit.done"),
    ("manifest written, before the rename", "publish.manifest"),
    ("after the rename, before the audit line and the unlock", "publish.renamed"),
]
AFTER_RENAME = {"publish.renamed"}

RUN = """
import datetime as dt, sys
from pathlib import Path
from flows.pipeline import RunRequest, run_plain
from transforms.config import load_config
inbox, out, warehouse, as_of = sys.argv[1:5]
run_plain(RunRequest(inbox=Path(inbox), out=Path(out), warehouse=Path(warehouse),
                     as_of=dt.date.fromisoformat(as_of), config=load_config()))
"""


def _run(out: Path, warehouse: Path, kill_at: str | None = None) -> int:
    env = {k: v for k, v in os.environ.items() if k != ENV}
    if kill_at:
        env[ENV] = kill_at
    done = subprocess.run([sys.executable, "-c", RUN, str(SAMPLE), str(out), str(warehouse),
                           AS_OF.isoformat()], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=False)
    if done.returncode not in (0, -signal.SIGKILL):
        raise AssertionError(done.stderr[-3000:])
    return done.returncode


def _compared(out: Path) -> dict[str, bytes]:
    """Lists, progress and workbooks: what must be byte-identical on a rerun."""
    files = sorted([*out.glob("lists/*.csv"), out / "progress.csv", out / "quarantine.csv",
                    *out.glob("progress.xlsx"), *out.glob("townships/*.xlsx")])
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in files}


def _all(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def test_a_run_killed_at_any_of_twelve_points_leaves_everything_usable(tmp_path):
    out, warehouse = tmp_path / "exports" / AS_OF.isoformat(), tmp_path / "w.duckdb"
    assert _run(out, warehouse) == 0
    reference = _compared(out)
    assert len(reference) > 20 and any(k.startswith("townships/") for k in reference)
    previous = _all(out)
    for name, point in POINTS:
        assert _run(out, warehouse, point) == -signal.SIGKILL, f"{name}: not killed"
        assert out.is_dir(), f"{name}: the previous out folder is gone"
        now = _all(out)
        if point in AFTER_RENAME:
            assert _compared(out) == reference, f"{name}: the new out folder is not complete"
            assert "manifest.json" in now and "report.html" in now
        else:
            assert now == previous, f"{name}: the previous out folder changed"
        previous = now
        con = duckdb.connect(str(warehouse))  # opens (replays its WAL), and answers
        try:
            assert con.execute("select count(*) from stg_participants").fetchone()[0] > 0
        finally:
            con.close()
    assert _run(out, warehouse) == 0
    assert _compared(out) == reference
    leftovers = [p.name for p in out.parent.iterdir() if p.name != out.name]
    assert leftovers == [], "the next run cleans what killed runs left"
