"""The CPU figures of the scale benchmark (benchmarks/bench_stages.py)."""
from __future__ import annotations

import subprocess
import sys

from benchmarks.bench_stages import _cpu, cpu_floor


def test_cpu_floor_is_the_steps_cpu_spread_over_every_core():
    floor = cpu_floor({"ingest": 91.5, "match": 10.8, "rules": 19.9, "cases": 3.0,
                       "export": 14.8}, cores=2)
    assert floor == {"cpu_seconds": 140.0, "cores": 2, "wall_floor_seconds": 70.0}


def test_cpu_counts_a_child_process_once_it_has_ended():
    # the export worker is a child process: its CPU belongs to the export stage
    before = _cpu()
    busy = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass"
    subprocess.run([sys.executable, "-c", busy], check=True)
    assert _cpu() - before >= 0.3
