"""Fault injection for the kill-safety tests (CONTRACT.md §2 "All or nothing").

``RECON_KILL_AT=<step>.<what>[#n][+seconds]`` makes the run SIGKILL itself at
the n-th (default first) progress event of that name (``transforms.progress``
points and the run's own step points, see docs/architecture.md), optionally
``seconds`` after it (to land in the middle of the work that follows).
SIGKILL cannot be caught: nothing is flushed, closed or cleaned up, exactly
as when an officer's server loses power or the OOM killer strikes.
Unset (always, in production), nothing is installed.
"""
from __future__ import annotations

import contextlib
import os
import re
import signal
import threading

from transforms import progress

ENV = "RECON_KILL_AT"
_SPEC = re.compile(r"^(?P<point>[a-z_]+\.[a-z_]+)(?:#(?P<n>\d+))?(?:\+(?P<delay>[0-9.]+))?$")


def _kill() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def armed() -> contextlib.AbstractContextManager:
    """A listener that kills the process at the named point, or nothing."""
    spec = os.environ.get(ENV, "").strip()
    if not spec:
        return contextlib.nullcontext()
    match = _SPEC.match(spec)
    if not match:
        raise ValueError(f"{ENV}={spec!r}: expected <step>.<what>[#n][+seconds]")
    point, n = match["point"], int(match["n"] or 1)
    delay = float(match["delay"]) if match["delay"] else None
    seen = 0

    def listener(event: progress.Event) -> None:
        nonlocal seen
        if event.point != point:
            return
        seen += 1
        if seen != n:
            return
        if delay is None:
            _kill()
        timer = threading.Timer(delay, _kill)
        timer.daemon = True
        timer.start()

    return progress.listening(listener)


def checkpoint(step: str, what: str, **fields) -> None:
    """A named point between the run's own operations (also a progress event)."""
    progress.report(step, what, **fields)
