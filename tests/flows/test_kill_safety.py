"""CONTRACT §2 "All or nothing": a run SIGKILLed at any moment leaves the previous
outputs and the warehouse usable, and the next run is identical to an unkilled one.

One unkilled reference run of the committed sample, then a chain of runs on the same
warehouse and out folder, each killed at the next named point (``flows/faults.py``;
the points are progress events, a ``+s`` suffix kills that many seconds later, in the
middle of the work that follows). After each kill: the out folder is the complete
previous one (or, past the rename, the complete new one), and the warehouse opens.
Each killed run is the rerun of the one before it; the last, unkilled run must give
lists, progress and workbooks byte-identical to the reference. The runs are plain
processes of the run's steps (``flows.pipeline``), without Prefect's API, forked
from one server process that imported them once.
"""
from __future__ import annotations

import datetime as dt
import json
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
    ("during rules, between two lists", "rules.list#3"),
    ("cases, before the case registry's commit", "cases.start"),
    ("after the last warehouse commit (cases), before export and the rename", "cases.done"),
    ("export, in the middle of a workbook", "export.workbook#6+0.01"),
    ("export done, manifest not yet written", "export.done"),
    ("manifest written, before the rename", "publish.manifest"),
    ("after the rename, before the audit line and the unlock", "publish.renamed"),
]
AFTER_RENAME = {"publish.renamed"}

# A fork server: imports the steps once (about 2 s a process), then forks one child per
# run, so each run is still a fresh process that SIGKILLs itself; only imports are shared.
SERVER = """
import json, os, sys, datetime as dt, traceback
from pathlib import Path
import expectations.contracts, transforms.export, transforms.ingest, transforms.match
import transforms.rules
from flows.pipeline import RunRequest, run_plain
from transforms.config import load_config
config = load_config()
for line in sys.stdin:
    cmd = json.loads(line)
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.environ.pop("RECON_KILL_AT", None)
            if cmd["kill_at"]:
                os.environ["RECON_KILL_AT"] = cmd["kill_at"]
            run_plain(RunRequest(inbox=Path(cmd["inbox"]), out=Path(cmd["out"]),
                                 warehouse=Path(cmd["warehouse"]), config=config,
                                 as_of=dt.date.fromisoformat(cmd["as_of"])))
        except BaseException:
            traceback.print_exc()
            code = 1
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"exit": os.waitstatus_to_exitcode(status)}), flush=True)
"""


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    log = tmp_path_factory.mktemp("kill") / "runs.log"
    with open(log, "w") as errors:
        server = subprocess.Popen([sys.executable, "-c", SERVER], cwd=ROOT, text=True,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=errors, env={k: v for k, v in os.environ.items()
                                                      if k != ENV})

        def run(out: Path, warehouse: Path, kill_at: str | None = None) -> int:
            server.stdin.write(json.dumps({"inbox": str(SAMPLE), "out": str(out),
                                           "warehouse": str(warehouse), "kill_at": kill_at,
                                           "as_of": AS_OF.isoformat()}) + "\n")
            server.stdin.flush()
            code = json.loads(server.stdout.readline())["exit"]
            if code not in (0, -signal.SIGKILL):
                raise AssertionError(log.read_text()[-3000:])
            return code

        yield run
        server.stdin.close()
        server.wait(60)


def _compared(out: Path) -> dict[str, bytes]:
    """Lists, progress and workbooks: what must be byte-identical on a rerun."""
    files = sorted([*out.glob("lists/*.csv"), out / "progress.csv", out / "quarantine.csv",
                    *out.glob("progress.xlsx"), *out.glob("county.xlsx"),
                    *out.glob("townships/*.xlsx")])
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in files}


def _all(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def test_a_run_killed_at_any_of_twelve_points_leaves_everything_usable(tmp_path, runner):
    out, warehouse = tmp_path / "exports" / AS_OF.isoformat(), tmp_path / "w.duckdb"
    assert runner(out, warehouse) == 0
    reference = _compared(out)
    assert len(reference) > 20 and any(k.startswith("townships/") for k in reference)
    previous = _all(out)
    for name, point in POINTS:
        assert runner(out, warehouse, point) == -signal.SIGKILL, f"{name}: not killed"
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
    assert runner(out, warehouse) == 0
    assert _compared(out) == reference
    leftovers = [p.name for p in out.parent.iterdir() if p.name != out.name]
    assert leftovers == [], "the next run cleans what killed runs left"
