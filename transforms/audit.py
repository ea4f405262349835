"""The audit log (CONTRACT.md §2): ``audit.jsonl`` in the warehouse's folder.

One JSON object a line, appended and never rewritten, for every run, export and
feedback import: time, OS user, host, process, command and parameters, and what the
caller adds (input files with sha256, output files with sha256 and rows, rows per
township workbook, each decision taken or rejected).

Lines older than the retention (``operations.yaml`` audit.retention_days) are moved,
oldest first, into ``audit-<YYYY-MM-DD>.jsonl`` (the date of the rotation) before a
new line is appended; the product never deletes an audit line. Appends hold an
exclusive ``flock`` on ``audit.jsonl.lock`` so that a run and an import writing at
the same moment never interleave.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import getpass
import json
import os
import socket
from pathlib import Path
from typing import Any

AUDIT_FILE = "audit.jsonl"


def audit_path(warehouse: Path) -> Path:
    """The audit log beside a warehouse file."""
    return Path(warehouse).parent / AUDIT_FILE


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a uid with no passwd entry (containers)
        return str(os.getuid())


def _default(value: Any):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    return str(value)


@contextlib.contextmanager
def _locked(folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / (AUDIT_FILE + ".lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _rotate(path: Path, now: dt.datetime, retention_days: int) -> int:
    """Move lines older than the retention into audit-<today>.jsonl; how many moved."""
    if not path.exists():
        return 0
    cutoff = now - dt.timedelta(days=retention_days)
    keep, old = [], []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            try:
                when = dt.datetime.fromisoformat(json.loads(line)["time"])
            except (ValueError, KeyError, TypeError):
                keep.append(line)  # never lose a line we cannot date
                continue
            (old if when < cutoff else keep).append(line)
    if not old:
        return 0
    archive = path.with_name(f"audit-{now.date().isoformat()}.jsonl")
    with open(archive, "a", encoding="utf-8") as handle:
        handle.writelines(old)
        handle.flush()
        os.fsync(handle.fileno())
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.writelines(keep)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    return len(old)


def append_event(warehouse: Path, kind: str, command: str, parameters: dict | None = None,
                 *, retention_days: int = 400, now: dt.datetime | None = None,
                 **fields: Any) -> dict:
    """Append one audit line (``kind``: run, export, import, …) and return it.

    ``fields`` are added as they are (inputs, outputs, townships, decisions, outcome…).
    """
    now = now or dt.datetime.now(dt.UTC).astimezone()
    event = {"time": now.isoformat(timespec="seconds"), "kind": kind, "user": _user(),
             "host": socket.gethostname(), "pid": os.getpid(), "command": command,
             "parameters": parameters or {}, **fields}
    line = json.dumps(event, ensure_ascii=False, default=_default, sort_keys=False)
    path = audit_path(warehouse)
    with _locked(path.parent):
        _rotate(path, now, retention_days)
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()
            os.fsync(handle.fileno())
    return event


def read_events(warehouse: Path) -> list[dict]:
    """Every line of the active audit log, oldest first (tests, the report)."""
    path = audit_path(warehouse)
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
