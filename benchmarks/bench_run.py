"""Scale benchmark: synthesise a county, run the whole flow, report time and memory.

    python -m benchmarks.bench_run [--people 480000] [--seed 1]

Prints a table and writes benchmarks/results/run.json.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import tempfile
import time
from pathlib import Path

from flows import settings  # noqa: F401
from synth.compare import compare_lists, format_scores
from transforms.config import load_config

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=480_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", default="2026-11-28")
    args = parser.parse_args()
    as_of = dt.date.fromisoformat(args.as_of)
    config = load_config()

    from flows.recon import recon_flow
    from synth import generate

    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        base = Path(tmp)
        start = time.perf_counter()
        generate(people=args.people, seed=args.seed, as_of=as_of, out=base / "inbox",
                 truth=base / "inbox.truth", config=config)
        synth_seconds = time.perf_counter() - start
        inbox_bytes = sum(p.stat().st_size for p in (base / "inbox").rglob("*") if p.is_file())
        start = time.perf_counter()
        result = recon_flow(inbox=base / "inbox", out=base / "out", as_of=as_of,
                            warehouse=base / "w.duckdb")
        run_seconds = time.perf_counter() - start
        manifest = json.loads((base / "out" / "manifest.json").read_text(encoding="utf-8"))
        scores = compare_lists(base / "out", base / "inbox.truth")

    rows_read = sum(i["read"] for i in manifest["inputs"])
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {
        "people": args.people, "seed": args.seed, "as_of": args.as_of,
        "inbox_mb": round(inbox_bytes / 2**20, 1), "rows_read": rows_read,
        "synth_seconds": round(synth_seconds, 2), "run_seconds": round(run_seconds, 2),
        "rows_per_second": round(rows_read / run_seconds), "peak_rss_mb": round(peak_mb),
        "steps": result["timings"], "lists": result["counts"],
        "accuracy": {name: {k: v for k, v in s.items() if k not in ("missing", "extra", "wrong_values")}
                     for name, s in scores.items()},
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "run.json").write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n",
                                      encoding="utf-8")
    print(f"people {args.people:,}  rows read {rows_read:,}  inbox {figures['inbox_mb']} MB")
    print(f"synth {synth_seconds:8.2f} s")
    for name, seconds in result["timings"].items():
        print(f"{name:<10}{seconds:8.2f} s")
    print(f"run   {run_seconds:8.2f} s  ({figures['rows_per_second']:,} rows/s), "
          f"peak RSS {figures['peak_rss_mb']} MB")
    print("lists against the ground truth:")
    print(format_scores(scores))
    print(f"written: {RESULTS / 'run.json'}")


if __name__ == "__main__":
    main()
