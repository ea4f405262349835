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
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_synth import _tree_rss

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
RECON = str(Path(sys.executable).with_name("recon"))
SAMPLE = ROOT / "data" / "sample" / "inbox"


def _tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants, from /proc."""
    return _tree_rss(root) / 2**20


def _mem_available_mb() -> float:
    with open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024
    return float("inf")


def _rss_of(cmd: list[str], limit_gb: float | None = None, reserve_gb: float = 1.5,
            check: bool = True) -> dict:
    """Run ``cmd`` as a fresh process and reap it ourselves, so its rusage is its own.

    With ``limit_gb`` a watchdog samples the resident memory of the process tree
    every half second and stops it (SIGKILL) above the limit, or when the machine
    has less than ``reserve_gb`` available (it is shared: the benchmark must not
    push the kernel into killing someone else's process). ``status`` says which.
    """
    start = time.perf_counter()
    status, tree_peak = "ok", 0.0
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True, cwd=ROOT,
                                start_new_session=True)
        while True:
            pid, wait_status, usage = os.wait4(proc.pid, os.WNOHANG if limit_gb else 0)
            if pid:
                break
            tree_peak = max(tree_peak, _tree_rss_mb(proc.pid))
            if tree_peak > limit_gb * 1024 or _mem_available_mb() < reserve_gb * 1024:
                status = ("over_memory_limit" if tree_peak > limit_gb * 1024
                          else "stopped_machine_memory_low")
                os.killpg(proc.pid, signal.SIGKILL)  # the tree: a Prefect server too
            time.sleep(0.5)
        proc.returncode = os.waitstatus_to_exitcode(wait_status)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode and status == "ok":
        status = "failed"
    if status != "ok" and check:
        raise RuntimeError(f"{' '.join(cmd)} {status} ({proc.returncode}):\n{stderr[-3000:]}")
    return {"seconds": round(wall, 2), "peak_rss_mb": round(usage.ru_maxrss / 1024),
            "tree_peak_rss_mb": round(tree_peak) or None, "status": status,
            "stdout": stdout, "stderr_tail": stderr[-4000:]}


def recon_run(inbox: Path, out: Path, warehouse: Path, as_of: str,
              limit_gb: float | None = None) -> tuple[dict, dict]:
    """`recon run` as a fresh process: its figures (``_rss_of``) and its manifest."""
    run = _rss_of([RECON, "run", "--inbox", str(inbox), "--out", str(out), "--as-of", as_of,
                   "--warehouse", str(warehouse)], limit_gb=limit_gb)
    return run, json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def startup(base: Path, as_of: str) -> dict:
    empty = base / "empty"
    empty.mkdir()
    figures = {"recon_help": _rss_of([RECON, "--help"])["seconds"]}
    run, _ = recon_run(empty, base / "empty_out", base / "empty.duckdb", as_of)
    figures["recon_run_empty_inbox"] = run["seconds"]
    if SAMPLE.is_dir():
        run, _ = recon_run(SAMPLE, base / "sample_out", base / "sample.duckdb", as_of)
        figures["recon_run_sample"] = run["seconds"]
    return figures


def county(base: Path, people: int, seed: int, as_of: str, keep: Path | None = None,
           limit_gb: float | None = None, recon_run: bool = True,
           warehouse_memory: str | None = None) -> dict:
    """One county: synthesise it (or reuse ``keep`` when it already holds this
    county), the stages without Prefect, then ``recon run`` as a fresh process."""
    folder = keep or base
    inbox, truth = folder / f"inbox{people}", folder / f"inbox{people}.truth"
    entry: dict = {"people": people, "seed": seed, "as_of": as_of}
    marker = folder / f"inbox{people}.synth.json"
    if keep and marker.is_file() and inbox.is_dir() and truth.is_dir():
        entry["synth"] = {**json.loads(marker.read_text()), "reused": True}
    else:
        synth = _rss_of([RECON, "synth", "--people", str(people), "--seed", str(seed),
                         "--as-of", as_of, "--out", str(inbox), "--truth", str(truth)])
        entry["synth"] = {k: synth[k] for k in ("seconds", "peak_rss_mb", "tree_peak_rss_mb")}
        if keep:
            marker.write_text(json.dumps(entry["synth"]))
    entry["inbox_mb"] = round(sum(p.stat().st_size for p in inbox.rglob("*")
                                  if p.is_file()) / 2**20, 1)
    if limit_gb:
        entry["memory_limit_gb"] = limit_gb
    if warehouse_memory:
        entry["warehouse_memory_limit"] = warehouse_memory
    stages = _rss_of([sys.executable, "-m", "benchmarks.bench_stages", str(inbox),
                      str(base / f"stages{people}.duckdb"), str(base / f"stages{people}"), as_of,
                      *([warehouse_memory] if warehouse_memory else [])],
                     limit_gb=limit_gb, check=False)
    if stages["status"] == "ok":
        entry["without_prefect"] = json.loads(stages["stdout"].strip().splitlines()[-1])
        entry["without_prefect"]["wall_seconds"] = stages["seconds"]
    else:  # where it stood when it stopped: its last progress lines
        entry["without_prefect"] = {
            "status": stages["status"], "wall_seconds": stages["seconds"],
            "peak_rss_mb": stages["peak_rss_mb"], "tree_peak_rss_mb": stages["tree_peak_rss_mb"],
            "last_lines": stages["stderr_tail"].strip().splitlines()[-12:]}
    (base / f"stages{people}.duckdb").unlink(missing_ok=True)
    shutil.rmtree(base / f"stages{people}", ignore_errors=True)
    if recon_run and stages["status"] == "ok":
        entry["recon_run"] = _recon_run(base, people, inbox, truth, as_of, limit_gb)
    if not keep:
        shutil.rmtree(inbox)
    return entry


def _recon_run(base: Path, people: int, inbox: Path, truth: Path, as_of: str,
               limit_gb: float | None) -> dict:
    out = base / f"out{people}"
    run, manifest = recon_run(inbox, out, base / f"run{people}.duckdb", as_of, limit_gb)
    from synth.compare import compare_lists

    scores = compare_lists(out, truth)
    rows_read = sum(i["read"] for i in manifest["inputs"])
    (base / f"run{people}.duckdb").unlink(missing_ok=True)
    return {
        "seconds": run["seconds"], "peak_rss_mb": run["peak_rss_mb"],
        "tree_peak_rss_mb": run["tree_peak_rss_mb"], "rows_read": rows_read,
        "rows_per_second": round(rows_read / run["seconds"]), "steps": manifest["timings"],
        "outside_steps_seconds": round(run["seconds"] - sum(
            v for k, v in manifest["timings"].items() if isinstance(v, (int, float))), 2),
        "lists_exact": all(s["precision"] == 1 and s["recall"] == 1 and not s["wrong_value_rows"]
                           for s in scores.values()),
        "accuracy": {n: {k: s[k] for k in ("truth", "got", "precision", "recall")}
                     for n, s in scores.items()},
    }


def _print(entry: dict) -> None:
    wp = entry["without_prefect"]
    print(f"\n{entry['people']:,} people, inbox {entry['inbox_mb']} MB, "
          f"synth {entry['synth']['seconds']} s")
    if wp.get("status"):
        print(f"  stages without Prefect: {wp['status']} after {wp['wall_seconds']} s, "
              f"peak RSS {wp['tree_peak_rss_mb']} MB; last lines:")
        for line in wp["last_lines"]:
            print("   ", line)
        return
    print(f"  {wp['rows']['read']:,} rows read")
    for name, seconds in wp["stages"].items():
        print(f"  {name:<18}{seconds:8.2f} s")
    for name, seconds in wp["ingest_steps"].items():
        print(f"    ingest.{name:<14}{seconds:6.2f} s")
    e = wp["exact_id"]
    print(f"  bare join {e['bare_join_seconds']} s, exact-ID step {e['exact_id_seconds']} s "
          f"(ratio {e['ratio']}, best of {e['runs']}; the first runs {e['first_runs']['ratio']}), "
          f"peak RSS {wp['peak_rss_mb']} MB")
    if "cpu_floor" in wp:
        f = wp["cpu_floor"]
        print(f"  {f['cpu_seconds']} CPU s in the steps: no run beats {f['wall_floor_seconds']} s "
              f"wall on {f['cores']} cores")
    r = entry.get("recon_run")
    if r:
        print(f"  recon run {r['seconds']} s ({r['outside_steps_seconds']} s outside the steps), "
              f"peak RSS {r['peak_rss_mb']} MB, lists exact: {r['lists_exact']}")


def measured_start() -> dict:
    """When, on which commit and at what load a measurement starts: the commit is read at
    the start, since it names the code that runs (a long run may outlive HEAD)."""
    return {"date": dt.date.today().isoformat(), "commit": _commit(),
            "load_average_start": round(os.getloadavg()[0], 2)}


def synth_county(out: Path, truth: Path, people: int, seed: int, as_of: str,
                 reuse: bool) -> dict | None:
    """``recon synth`` into ``out`` and ``truth``; with ``reuse``, nothing when ``truth``
    already holds a finished county. Its figures (``_rss_of``), or None when reused."""
    if reuse and (truth / "lists.csv").is_file():
        return None
    shutil.rmtree(out, ignore_errors=True)
    return _rss_of([RECON, "synth", "--people", str(people), "--seed", str(seed),
                    "--as-of", as_of, "--out", str(out), "--truth", str(truth)])


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                              capture_output=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, nargs="+", default=[500_000, 2_000_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", default="2026-11-28")
    parser.add_argument("--out", type=Path, default=RESULTS / "scale.json")
    parser.add_argument("--no-startup", action="store_true")
    parser.add_argument("--no-recon-run", action="store_true",
                        help="only the stages without Prefect (the province: a second run "
                             "of the same size through Prefect would double the hour)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="keep (and reuse) the synthetic inboxes in this folder")
    parser.add_argument("--memory-limit-gb", type=float, default=None,
                        help="stop a run whose process tree holds more than this (budget)")
    parser.add_argument("--tmp", type=Path, default=None, help="scratch folder (warehouses)")
    parser.add_argument("--warehouse-memory", default=None,
                        help="DuckDB's memory limit for the stages (operations.yaml "
                             "warehouse.memory_limit, e.g. 8GB): its buffer pool fills up to "
                             "it, so it must leave the process's own memory inside the budget")
    args = parser.parse_args()
    results = json.loads(args.out.read_text(encoding="utf-8")) if args.out.is_file() else {}
    results["machine"] = {"cpus": os.cpu_count(),
                          "memory_gb": round(os.sysconf("SC_PAGE_SIZE")
                                             * os.sysconf("SC_PHYS_PAGES") / 2**30)}
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-scale-", dir=args.tmp) as tmp:
        base = Path(tmp)
        if not args.no_startup:
            results["startup_seconds"] = startup(base, args.as_of)
            results["startup_measured"] = {"date": dt.date.today().isoformat(),
                                           "commit": _commit(),
                                           "load_average": round(os.getloadavg()[0], 2)}
            print("start-up:", results["startup_seconds"])
        counties = results.setdefault("counties", {})
        for people in args.people:
            measured = measured_start()
            entry = county(base, people, args.seed, args.as_of, keep=args.keep,
                           limit_gb=args.memory_limit_gb, recon_run=not args.no_recon_run,
                           warehouse_memory=args.warehouse_memory)
            entry["measured"] = {**measured,
                                 "load_average_end": round(os.getloadavg()[0], 2)}
            counties[str(people)] = entry
            _print(entry)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n",
                                encoding="utf-8")
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
