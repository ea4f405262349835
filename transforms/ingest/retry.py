"""Transient read failures of an inbox file (CONTRACT.md §2, issue #10): a file still
being copied in, a network share that hiccups. A read is retried with exponential
backoff before the file is quarantined; a file modified within the last
``settle_seconds`` is first given time to stop growing.

Figures come from operations.yaml ``read_retry`` (the caller passes them).
"""
from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


def settle(path: Path, settle_seconds: float, max_wait: float) -> None:
    """Wait while ``path`` was modified less than ``settle_seconds`` ago and still grows."""
    if settle_seconds <= 0:
        return
    deadline = time.monotonic() + max_wait
    try:
        before = os.stat(path)
    except OSError:
        return  # the read reports it
    while time.time() - before.st_mtime < settle_seconds and time.monotonic() < deadline:
        time.sleep(min(settle_seconds, 0.5))
        try:
            now = os.stat(path)
        except OSError:
            return
        if (now.st_size, now.st_mtime_ns) == (before.st_size, before.st_mtime_ns):
            return
        log.info("%s: still being written (%d bytes); waiting", path.name, now.st_size)
        before = now


def with_retry(read: Callable[..., T], path: Path, *args, attempts: int = 4,
               backoff_seconds: float = 0.5, settle_seconds: float = 2.0,
               sleep: Callable[[float], None] = time.sleep) -> T:
    """``read(*args)``, retried on ``OSError`` up to ``attempts`` times (0.5 s, 1 s, 2 s, …).

    The last ``OSError`` is re-raised; any other exception passes at once
    (a corrupt file does not get better by reading it again).
    """
    settle(Path(path), settle_seconds, max_wait=max(settle_seconds * 10, 10))
    for attempt in range(1, attempts + 1):
        try:
            return read(*args)
        except OSError as exc:
            if attempt == attempts:
                raise
            delay = backoff_seconds * 2 ** (attempt - 1)
            log.warning("%s: read failed (%s), retry %d of %d in %.1f s", Path(path).name,
                        exc, attempt, attempts - 1, delay)
            sleep(delay)
    raise AssertionError("unreachable")
