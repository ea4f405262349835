"""How many cores other processes keep busy: the machine's CPU less this run's own.

The load average counts this run's own threads: after an ingest that kept both cores
busy, a 2-core machine's one-minute load is about 2 with nothing else running, and a
check of it took the run's own work for another job's. Here the machine's busy CPU
seconds (``/proc/stat``) and this process's own (all threads, and the children that
have ended) are sampled when the run starts (``mark``) and when asked; the difference,
over the wall time between, is what the others used.
"""
from __future__ import annotations

import os
import resource
import time

Sample = tuple[float, float, float]  # (monotonic wall s, machine busy CPU s, own CPU s)
MIN_WINDOW = 1.0  # seconds: below this the jiffies say too little


def own_cpu() -> float:
    """CPU seconds of this process (all threads) and of its children that have ended."""
    return sum(usage.ru_utime + usage.ru_stime
               for usage in (resource.getrusage(resource.RUSAGE_SELF),
                             resource.getrusage(resource.RUSAGE_CHILDREN)))


def sample(stat: str = "/proc/stat") -> Sample | None:
    """Now: wall, the machine's busy CPU seconds, this process's; None without ``stat``."""
    try:
        with open(stat, encoding="ascii") as f:
            # cpu user nice system idle iowait irq softirq (steal and guest left out:
            # steal is not ours to use, guest is already in user)
            ticks = [int(v) for v in f.readline().split()[1:8]]
    except (OSError, ValueError):
        return None
    if len(ticks) < 7:
        return None
    busy = (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")
    return time.monotonic(), busy, own_cpu()


_mark: Sample | None = sample()


def mark() -> None:
    """Start the window ``others_cores`` measures over (a run calls it when it starts)."""
    global _mark
    _mark = sample()


def others_cores(now: Sample | None = None, since: Sample | None = None) -> float | None:
    """Cores other processes kept busy on average since ``since`` (by default the last
    ``mark``); None when unknown or when the window is shorter than ``MIN_WINDOW``."""
    now = sample() if now is None else now
    since = _mark if since is None else since
    if now is None or since is None or now[0] - since[0] < MIN_WINDOW:
        return None
    others = (now[1] - since[1]) - (now[2] - since[2])
    return max(others, 0.0) / (now[0] - since[0])
