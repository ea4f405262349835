"""One writer per warehouse (CONTRACT.md §2): refused at once, ``--wait`` queues,
a lock left by a killed run is taken over.

The lock is an exclusive ``flock`` on ``<warehouse>.lock``; the file also names
the holder (pid, host, since when, command) so a refused run can say who holds
it. The kernel drops a ``flock`` when its process dies, even by SIGKILL, so a
lock file that still names a holder while nobody holds the ``flock`` is the
stale lock of a killed run: it is taken over (and logged). On the same host a
named holder whose pid is gone is reported as stale too, never as busy.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import json
import logging
import os
import socket
import sys
import time
from pathlib import Path

from transforms import progress

log = logging.getLogger(__name__)
POLL_SECONDS = 0.5


class WarehouseBusy(RuntimeError):
    """Another run holds the warehouse; ``holder`` is what its lock file says."""

    def __init__(self, warehouse: Path, holder: dict, waited: float):
        self.warehouse, self.holder, self.waited = Path(warehouse), holder, waited
        who = describe(holder)
        waited_text = f" (waited {waited:.0f} s)" if waited else ""
        super().__init__(f"warehouse {warehouse} is busy: {who}{waited_text}")


def lock_path(warehouse: Path) -> Path:
    warehouse = Path(warehouse)
    return warehouse.with_name(warehouse.name + ".lock")


def describe(holder: dict) -> str:
    if not holder.get("pid"):
        return "another run is starting (its lock file names no process yet)"
    text = f"run of pid {holder['pid']} on host {holder.get('host', '?')}"
    if holder.get("since"):
        text += f" since {holder['since']}"
    if holder.get("command"):
        text += f" ({holder['command']})"
    return text


def read_holder(path: Path) -> dict:
    try:
        text = Path(path).read_text(encoding="utf-8").strip()
        return json.loads(text) if text else {}
    except (OSError, ValueError):
        return {}


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        raise


@contextlib.contextmanager
def warehouse_lock(warehouse: Path, wait_seconds: float = 0, *, command: str | None = None):
    """Hold the warehouse for the block, or raise ``WarehouseBusy``.

    ``wait_seconds`` 0 refuses at once when another run holds it; otherwise
    the lock is retried every half second until that many seconds passed.
    """
    warehouse = Path(warehouse)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    path = lock_path(warehouse)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        start = time.monotonic()
        announced = False
        while not _try_lock(fd):
            holder = read_holder(path)
            waited = time.monotonic() - start
            if waited >= wait_seconds:
                raise WarehouseBusy(warehouse, holder, waited)
            if not announced:
                progress.report("lock", "waiting", name=describe(holder), total=wait_seconds)
                announced = True
            time.sleep(min(POLL_SECONDS, max(wait_seconds - waited, 0.01)))
        previous = read_holder(path)
        if previous.get("pid"):
            dead = previous.get("host") == socket.gethostname() and not pid_alive(previous["pid"])
            log.warning("taking over the stale lock of a run that did not finish: %s%s",
                        describe(previous), " (process gone)" if dead else "")
            progress.report("lock", "stale", name=describe(previous))
        holder = {"pid": os.getpid(), "host": socket.gethostname(),
                  "since": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                  "command": command or " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])}
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(holder, ensure_ascii=False) + "\n").encode("utf-8"), 0)
        os.fsync(fd)
        try:
            yield holder
        finally:
            os.ftruncate(fd, 0)  # a clean release leaves no holder named
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
