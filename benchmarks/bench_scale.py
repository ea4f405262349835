"""Scale benchmark: where the time goes, per stage, on synthetic counties.

    python -m benchmarks.bench_scale [--people 500000 2000000] [--seed 1]

For each size: synthesise the county (`recon synth`), run the stages in one
process without Prefect (``benchmarks.bench_stages``: wall per stage, rows per
stage, the bare DuckDB join of the staged ID columns against the exact-ID step),
then `recon run` as a fresh process (wall, peak RSS, the lists against the
ground truth). Before that, the start-up of `recon --help`, of `recon run` on an
empty inbox and on the committed sample. Every process is a fresh one and its
peak RSS is its own (wait4). Writes benchmarks/results/scale.json (the entries
of other sizes already there are kept).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
RECON = str(Path(sys.executable).with_name("recon"))
SAMPLE = ROOT / "data" / "sample" / "inbox"


def _rss_of(cmd: list[str]) -> dict:
    """Like ``timed``, reaping the child ourselves so its rusage is its own."""
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{stderr[-3000:]}")
    return {"seconds": round(wall, 2), "peak_rss_mb": round(usage.ru_maxrss / 1024),
            "stdout": stdout}


def startup(base: Path, as_of: str) -> dict:
    empty = base / "empty"
    empty.mkdir()
    figures = {"recon_help": _rss_of([RECON, "--help"])["seconds"]}
    run = _rss_of([RECON, "run", "--inbox", str(empty), "--out", str(base / "empty_out"),
                   "--as-of", as_of, "--warehouse", str(base / "empty.duckdb")])
    figures["recon_run_empty_inbox"] = run["seconds"]
    if SAMPLE.is_dir():
        run = _rss_of([RECON, "run", "--inbox", str(SAMPLE), "--out", str(base / "sample_out"),
                       "--as-of", as_of, "--warehouse", str(base / "sample.duckdb")])
        figures["recon_run_sample"] = run["seconds"]
    return figures


def county(base: Path, people: int, seed: int, as_of: str) -> dict:
    inbox, truth = base / f"inbox{people}", base / f"inbox{people}.truth"
    synth = _rss_of([RECON, "synth", "--people", str(people), "--seed", str(seed),
                     "--as-of", as_of, "--out", str(inbox), "--truth", str(truth)])
    entry: dict = {"people": people, "seed": seed, "as_of": as_of,
                   "synth": {k: synth[k] for k in ("seconds", "peak_rss_mb")},
                   "inbox_mb": round(sum(p.stat().st_size for p in inbox.rglob("*")
                                         if p.is_file()) / 2**20, 1)}
    stages = _rss_of([sys.executable, "-m", "benchmarks.bench_stages", str(inbox),
                      str(base / f"stages{people}.duckdb"), str(base / f"stages{people}"), as_of])
    entry["without_prefect"] = json.loads(stages["stdout"].strip().splitlines()[-1])
    entry["without_prefect"]["wall_seconds"] = stages["seconds"]
    (base / f"stages{people}.duckdb").unlink()
    out = base / f"out{people}"
    run = _rss_of([RECON, "run", "--inbox", str(inbox), "--out", str(out), "--as-of", as_of,
                   "--warehouse", str(base / f"run{people}.duckdb")])
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    from synth.compare import compare_lists

    scores = compare_lists(out, truth)
    rows_read = sum(i["read"] for i in manifest["inputs"])
    entry["recon_run"] = {
        "seconds": run["seconds"], "peak_rss_mb": run["peak_rss_mb"], "rows_read": rows_read,
        "rows_per_second": round(rows_read / run["seconds"]), "steps": manifest["timings"],
        "outside_steps_seconds": round(run["seconds"] - sum(
            v for k, v in manifest["timings"].items() if isinstance(v, (int, float))), 2),
        "lists_exact": all(s["precision"] == 1 and s["recall"] == 1 and not s["wrong_value_rows"]
                           for s in scores.values()),
        "accuracy": {n: {k: s[k] for k in ("truth", "got", "precision", "recall")}
                     for n, s in scores.items()},
    }
    shutil.rmtree(inbox)
    return entry


def _print(entry: dict) -> None:
    wp = entry["without_prefect"]
    print(f"\n{entry['people']:,} people, {wp['rows']['read']:,} rows read, "
          f"inbox {entry['inbox_mb']} MB, synth {entry['synth']['seconds']} s")
    for name, seconds in wp["stages"].items():
        print(f"  {name:<18}{seconds:8.2f} s")
    for name, seconds in wp["ingest_steps"].items():
        print(f"    ingest.{name:<14}{seconds:6.2f} s")
    e = wp["exact_id"]
    print(f"  bare join {e['bare_join_seconds']} s, exact-ID step {e['exact_id_seconds']} s "
          f"(ratio {e['ratio']}), peak RSS {wp['peak_rss_mb']} MB")
    r = entry["recon_run"]
    print(f"  recon run {r['seconds']} s ({r['outside_steps_seconds']} s outside the steps), "
          f"peak RSS {r['peak_rss_mb']} MB, lists exact: {r['lists_exact']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, nargs="+", default=[500_000, 2_000_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", default="2026-11-28")
    parser.add_argument("--out", type=Path, default=RESULTS / "scale.json")
    parser.add_argument("--no-startup", action="store_true")
    args = parser.parse_args()
    results = json.loads(args.out.read_text(encoding="utf-8")) if args.out.is_file() else {}
    results["machine"] = {"cpus": os.cpu_count(),
                          "memory_gb": round(os.sysconf("SC_PAGE_SIZE")
                                             * os.sysconf("SC_PHYS_PAGES") / 2**30),
                          "load_average_at_start": os.getloadavg()[0],
                          "date": dt.date.today().isoformat()}
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        base = Path(tmp)
        if not args.no_startup:
            results["startup_seconds"] = startup(base, args.as_of)
            print("start-up:", results["startup_seconds"])
        counties = results.setdefault("counties", {})
        for people in args.people:
            entry = county(base, people, args.seed, args.as_of)
            counties[str(people)] = entry
            _print(entry)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n",
                                encoding="utf-8")
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
