"""Synthetic-county benchmark: `recon synth` as a fresh process, wall time and memory.

    python -m benchmarks.bench_synth [--people 2000000 25000000] [--tmp /work/tmp]

For each size: runs `recon synth` under `/usr/bin/time -v` (when present), samples
the resident memory of its whole process tree (the parent and its block
workers) every half second, reads rows, files and blocks from the truth, and
deletes the inbox (``--keep`` keeps it). Prints the figures and writes
benchmarks/results/synth.json (one entry per size; other sizes already in the
file are kept).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and every descendant (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * PAGE
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def _time_v(text: str) -> dict:
    def grab(label):
        m = re.search(rf"{re.escape(label)}: (.+)", text)
        return m.group(1).strip() if m else None
    wall = grab("Elapsed (wall clock) time (h:mm:ss or m:ss)")
    seconds = None
    if wall:
        parts = [float(p) for p in wall.split(":")]
        seconds = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    rss = grab("Maximum resident set size (kbytes)")
    user, system = grab("User time (seconds)"), grab("System time (seconds)")
    return {"wall_seconds": seconds,
            "max_rss_one_process_gb": round(int(rss) / 2**20, 2) if rss else None,
            "cpu_seconds": round(float(user) + float(system), 1) if user and system else None}


def run(people: int, seed: int, as_of: str, tmp: Path, keep: bool) -> dict:
    base = Path(tempfile.mkdtemp(prefix=f"bench-synth-{people}-", dir=tmp))
    recon = Path(sys.executable).with_name("recon")
    cmd = [str(recon), "synth", "--people", str(people), "--seed", str(seed), "--as-of", as_of,
           "--out", str(base / "inbox")]
    timed = ["/usr/bin/time", "-v", *cmd] if Path("/usr/bin/time").exists() else cmd
    peak = [0]
    start = time.perf_counter()
    proc = subprocess.Popen(timed, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def sample():
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            time.sleep(0.5)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _out, err = proc.communicate()
    wall = time.perf_counter() - start
    sampler.join()
    if proc.returncode:
        raise SystemExit(f"recon synth failed ({proc.returncode}):\n{err[-20000:]}")
    figures = describe(base, people, seed, as_of, err)
    figures["wall_seconds_measured"] = round(wall, 1)
    figures["peak_rss_all_processes_gb"] = round(peak[0] / 2**30, 2)
    if keep:
        figures["kept"] = str(base)
    else:
        shutil.rmtree(base)
    return figures


def describe(base: Path, people: int, seed: int, as_of: str, time_v: str) -> dict:
    """The figures of a finished `recon synth` into ``base/inbox`` (``time_v``: what
    /usr/bin/time -v printed)."""
    truth = json.loads((base / "inbox.truth" / "truth.json").read_text(encoding="utf-8"))
    inbox_bytes = sum(p.stat().st_size for p in (base / "inbox").rglob("*") if p.is_file())
    truth_bytes = sum(p.stat().st_size for p in (base / "inbox.truth").rglob("*") if p.is_file())
    return {
        "people": people, "seed": seed, "as_of": as_of, "cores": os.cpu_count(),
        "load_average_after": round(os.getloadavg()[0], 1),
        **_time_v(time_v),
        "rows": sum(truth["tables"].values()), "files": len(truth["files"]),
        "blocks": len(truth.get("blocks", [])) or 1,
        "inbox_gb": round(inbox_bytes / 2**30, 2), "truth_gb": round(truth_bytes / 2**30, 2),
        "list_rows": sum(truth["lists"].values()), "check": truth["check"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, nargs="+", default=[2_000_000, 25_000_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", default="2026-11-28")
    parser.add_argument("--tmp", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--keep", action="store_true", help="keep the inbox and truth")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "synth.json"
    results = json.loads(path.read_text()) if path.is_file() else {}
    for people in args.people:
        figures = run(people, args.seed, args.as_of, args.tmp, args.keep)
        print(json.dumps(figures, ensure_ascii=False))
        results[str(people)] = figures
        path.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
