"""Dask benchmark: one synthetic county run locally and sharded on a LocalCluster.

    python -m benchmarks.bench_dask [--people 2000000] [--workers 2] [--inbox DIR]

Each run is a child process (its own peak memory). Writes benchmarks/results/dask.json:
wall per stage of both runs, the bytes passed between the flow and the tasks (the
shuffle), peak memory per worker, per-shard figures, and a projection of 25 M people on
N workers made from those per-shard figures.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
TARGET_PEOPLE = 25_000_000
PROJECT_WORKERS = (2, 8, 32, 128)


def one_run(executor: str, inbox: Path, out: Path, as_of: dt.date, workers: int) -> dict:
    """In the child: run once, return timings, counts and memory."""
    from flows import settings  # noqa: F401

    start = time.perf_counter()
    args = {"inbox": inbox, "out": out, "as_of": as_of, "warehouse": out.with_suffix(".duckdb")}
    if executor == "local":
        from flows.recon import recon_flow

        result, stats = recon_flow(**args), {}
    else:
        from flows.sharded import LAST_STATS, DaskOptions, run

        result = run(DaskOptions(workers=workers), **args)
        stats = dict(LAST_STATS)
    return {"wall_s": round(time.perf_counter() - start, 2), "steps": result["timings"],
            "lists": result["counts"], "cluster": result.get("cluster"), "shards": stats,
            "flow_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def digests(out: Path) -> dict[str, str]:
    files = [*(out / "lists").glob("*.csv"), out / "progress.csv"]
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def child(executor: str, inbox: Path, base: Path, as_of: dt.date, workers: int) -> dict:
    out = base / f"out_{executor}"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_dask", "--child", executor, "--inbox",
         str(inbox), "--out", str(out), "--as-of", as_of.isoformat(), "--workers", str(workers)],
        capture_output=True, text=True, check=False)
    if proc.returncode:
        raise SystemExit(f"{executor} run failed:\n{proc.stderr[-4000:]}")
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    figures["digests"] = digests(out)
    return figures


def worker_peaks(stats: dict) -> dict[str, float]:
    peaks: dict[str, float] = {}
    for phase in stats.values():
        for task in phase["tasks"]:
            peaks[task["worker"]] = max(peaks.get(task["worker"], 0), task["peak_rss_mb"])
    return peaks


def projection(people: int, local: dict, dask: dict) -> dict:
    """25 M people on N workers, from the per-shard figures, linear in people.

    What stays in the flow (ingest, export, the scatter and the gather) and the one-task
    gathers (id_repaired over the whole ledger, progress) grow with the county; the shard
    tasks' work grows with the county and is divided over the workers; start-up and
    per-task overhead (wall minus work) is counted once. ``match_rules`` compares only
    the two sharded steps, which is what sharding changes today (ingest is not sharded).
    """
    k = TARGET_PEOPLE / people
    steps, stats, workers = dask["steps"], dask["shards"], dask["cluster"]["workers"]
    repair = 2 * dask["cluster"]["shards"]
    serial = sum(v for name, v in steps.items() if name not in ("match", "rules"))
    mr_serial, single, work, overhead = 0.0, 0.0, 0.0, dask["wall_s"] - sum(steps.values())
    for phase, figures in stats.items():
        mr_serial += figures["scatter_s"] + figures["gather_s"]
        tasks = figures["tasks"]
        one = sum(t["seconds"] for t in tasks if t["task"] == "progress"
                  or (phase == "match" and t["task"] == repair))
        many = sum(t["seconds"] for t in tasks) - one
        single, work = single + one, work + many
        overhead += max(0.0, figures["tasks_wall_s"] - one - many / workers)
    local_steps = sum(local["steps"].values())
    local_mr = local["steps"]["match"] + local["steps"]["rules"]
    return {
        "people": TARGET_PEOPLE, "scale": round(k, 2),
        "whole_run": {
            "local_s": round(local["wall_s"] - local_steps + k * local_steps),
            "dask_s_by_workers": {n: round(overhead + k * (serial + mr_serial + single + work / n))
                                  for n in PROJECT_WORKERS}},
        "match_rules": {
            "local_s": round(k * local_mr),
            "dask_s_by_workers": {n: round(overhead + k * (mr_serial + single + work / n))
                                  for n in PROJECT_WORKERS},
            "serial_s": round(k * (mr_serial + single)), "shard_work_s": round(k * work),
            "fixed_overhead_s": round(overhead, 1)},
        "note": "linear in people; ignores network shuffle, spilling and memory per shard",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", default="2026-11-28")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--inbox", type=Path, help="reuse this inbox instead of synthesising")
    parser.add_argument("--child", choices=("local", "dask"), help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    as_of = dt.date.fromisoformat(args.as_of)
    if args.child:
        print(json.dumps(one_run(args.child, args.inbox, args.out, as_of, args.workers),
                         default=str))
        return
    with tempfile.TemporaryDirectory(prefix="bench-dask-") as tmp:
        base = Path(tmp)
        inbox, synth_s = args.inbox, None
        if inbox is None:
            from flows import settings  # noqa: F401
            from synth import generate
            from transforms.config import load_config

            inbox, start = base / "inbox", time.perf_counter()
            generate(people=args.people, seed=args.seed, as_of=as_of, out=inbox,
                     truth=base / "truth", config=load_config())
            synth_s = round(time.perf_counter() - start, 1)
        load_before = os.getloadavg()[0]
        local = child("local", inbox, base, as_of, args.workers)
        dask = child("dask", inbox, base, as_of, args.workers)
        load = [round(load_before, 1), round(os.getloadavg()[0], 1)]
    identical = local.pop("digests") == dask.pop("digests")
    shuffle = {phase: {"scatter_bytes": s["scatter_bytes"], "gather_bytes": s["gather_bytes"]}
               for phase, s in dask["shards"].items()}
    figures = {
        "people": args.people, "seed": args.seed, "as_of": args.as_of, "workers": args.workers,
        "synth_s": synth_s, "lists_identical": identical,
        "load_average_1min": load,  # the machine is shared: figures move with its load
        "local": {k: local[k] for k in ("wall_s", "steps", "flow_peak_rss_mb")},
        "dask": {k: dask[k] for k in ("wall_s", "steps", "flow_peak_rss_mb", "cluster")},
        "shuffle_bytes": shuffle,
        "shuffle_total_mb": round(sum(v for s in shuffle.values() for v in s.values()) / 2**20, 1),
        "worker_peak_rss_mb": worker_peaks(dask["shards"]),
        "shards": {phase: [{k: t[k] for k in ("task", "seconds", "peak_rss_mb", "worker")}
                           for t in s["tasks"]] for phase, s in dask["shards"].items()},
        "projection_25m": projection(args.people, local, dask),
        "lists": local["lists"],
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "dask.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    print(json.dumps({k: figures[k] for k in ("people", "lists_identical", "local", "dask",
                                              "shuffle_total_mb", "worker_peak_rss_mb",
                                              "projection_25m")}, indent=2, ensure_ascii=False))
    print(f"written: {RESULTS / 'dask.json'}")
    if not identical:
        raise SystemExit("the sharded lists differ from the local ones")


if __name__ == "__main__":
    main()
