"""Start-up of the `recon` command (issue #8 item 3, issue #10): `recon --help`,
`recon run` on an empty inbox and on the committed sample, each as a fresh process.

For each: wall seconds, seconds to the first line the officer sees, the steps' own
seconds (from the manifest), so the fixed cost is the difference, and the CPU
seconds of the process tree (the run and its temporary Prefect API: on a shared
2-core machine wall seconds follow the load, CPU seconds much less), with the
load average before each run. `fresh_home` is the empty inbox in a new PREFECT_HOME
(the first run of an installation: the database is created and migrated).
`--server URL` measures the runs against a running Prefect server (make serve)
instead of the temporary API. Writes benchmarks/results/startup.json.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECON = Path(sys.executable).with_name("recon")
RESULTS = ROOT / "benchmarks" / "results"


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(args: list[str], env: dict) -> dict:
    load, cpu = os.getloadavg()[0], _cpu()
    start = time.perf_counter()
    proc = subprocess.Popen([str(RECON), *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    first = None
    for _line in proc.stdout:
        if first is None:
            first = time.perf_counter() - start
    code = proc.wait()
    return {"wall": round(time.perf_counter() - start, 2),
            "first_line": round(first, 2) if first is not None else None, "exit": code,
            "cpu": round(_cpu() - cpu, 2), "load_average": round(load, 2)}


def run_case(inbox: Path, base: Path, env: dict, as_of: str) -> dict:
    out = base / "out"
    figures = timed(["run", "--inbox", str(inbox), "--as-of", as_of, "--out", str(out),
                     "--warehouse", str(base / "w.duckdb")], env)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    steps = {k: v for k, v in manifest["timings"].items() if k != "data_docs"}
    figures["steps"] = round(sum(steps.values()), 2)
    figures["outside_steps"] = round(figures["wall"] - figures["steps"], 2)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--server", default=None,
                        help="a running Prefect server's API URL (else the temporary API)")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    if args.server:
        env["PREFECT_API_URL"] = args.server
    figures: dict = {"api": args.server or "temporary", "load_average": os.getloadavg()[0]}
    helps = [timed(["--help"], env)["wall"] for _ in range(3)]
    figures["help"] = {"wall": statistics.median(helps)}
    sample = ROOT / "data" / "sample" / "inbox"
    cases = [("empty_inbox", None, False), ("sample", sample, False)]
    if not args.server:
        cases.append(("fresh_home", None, True))
    for name, inbox_of, fresh in cases:
        runs = []
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
                base = Path(tmp)
                inbox = inbox_of or base / "inbox"
                inbox.mkdir(exist_ok=True)
                run_env = {**env, "PENSION_RECON_HOME": str(base / "home")} if fresh else env
                if fresh:
                    run_env.pop("PREFECT_HOME", None)
                runs.append(run_case(inbox, base, run_env, "2025-06-30"))
        figures[name] = {**min(runs, key=lambda r: r["wall"]),
                         "walls": [r["wall"] for r in runs], "cpus": [r["cpu"] for r in runs]}
    RESULTS.mkdir(exist_ok=True)
    suffix = "" if not args.server else "_server"
    (RESULTS / f"startup{suffix}.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(f"api: {figures['api']}  (load average {figures['load_average']:.1f})")
    print(f"recon --help            {figures['help']['wall']:6.2f} s")
    for name in ("empty_inbox", "sample", "fresh_home"):
        if name not in figures:
            continue
        f = figures[name]
        print(f"recon run {name:<13} {f['wall']:6.2f} s  (first line {f['first_line']} s, "
              f"steps {f['steps']} s, outside the steps {f['outside_steps']} s, "
              f"CPU {f['cpu']} s, load {f['load_average']})")


if __name__ == "__main__":
    main()
