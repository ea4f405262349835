"""The CPU figures of the scale benchmark (benchmarks/bench_stages.py)."""
from __future__ import annotations

from benchmarks.bench_stages import cpu_floor


def test_cpu_floor_is_the_steps_cpu_spread_over_every_core():
    floor = cpu_floor({"ingest": 91.5, "match": 10.8, "rules": 19.9, "cases": 3.0,
                       "export": 14.8}, cores=2)
    assert floor == {"cpu_seconds": 140.0, "cores": 2, "wall_floor_seconds": 70.0}
