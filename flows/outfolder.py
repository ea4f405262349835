"""All or nothing for the out folder (CONTRACT.md §2).

A run writes into ``.<out>.partial-<pid>`` beside ``--out`` and renames it
into place at the very end. When ``--out`` already holds an earlier run's
outputs, the two folders are swapped in one atomic ``renameat2(RENAME_EXCHANGE)``
(Linux); where that call is missing, the earlier folder is first renamed to
``.<out>.previous-<pid>``. The next run on the same out folder removes what a
killed run left (a partial folder, a sharded run's ``.<out>.shards-<pid>`` scratch;
a previous folder is put back when the out folder is missing, so the last complete
outputs are never lost).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import errno
import logging
import os
import re
import shutil
from pathlib import Path

from flows.lock import pid_alive

log = logging.getLogger(__name__)
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
# partial: the staging folder; previous: an earlier out folder moved aside; shards: the
# scratch of a sharded run's tasks (flows/sharded.py)
_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?P<kind>partial|previous|shards)-(?P<pid>\d+)$")


def staging_dir(out: Path) -> Path:
    out = Path(out)
    return out.parent / f".{out.name}.partial-{os.getpid()}"


def _leftovers(out: Path):
    if not out.parent.is_dir():
        return
    for entry in sorted(out.parent.iterdir()):
        match = _LEFTOVER.match(entry.name)
        if match and match["name"] == out.name:
            yield entry, match["kind"], int(match["pid"])


def clean_leftovers(out: Path) -> list[str]:
    """Remove what killed runs left beside ``out``; what was done, for the log."""
    out = Path(out)
    done = []
    for entry, kind, pid in _leftovers(out):
        if pid != os.getpid() and pid_alive(pid):
            continue  # a live process's folder (another warehouse writing here): not ours
        if kind == "previous" and not out.exists():
            os.rename(entry, out)
            done.append(f"restored {out.name} from {entry.name}")
        else:
            shutil.rmtree(entry, ignore_errors=True)
            done.append(f"removed {entry.name}")
    for line in done:
        log.warning("out folder: %s (left by a run that did not finish)", line)
    return done


def prepare(out: Path) -> Path:
    """A fresh, empty staging folder for this run's outputs."""
    clean_leftovers(out)
    staging = staging_dir(out)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    return staging


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths; False where the kernel or libc cannot."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(staging: Path, out: Path, checkpoint=lambda what: None) -> None:
    """Put the finished staging folder at ``out`` (replacing an earlier run's)."""
    out = Path(out)
    _fsync_dir(staging)
    if not out.exists():
        os.rename(staging, out)
    elif _exchange(staging, out):
        checkpoint("swapped")
        shutil.rmtree(staging)  # now the earlier outputs
    else:
        previous = out.parent / f".{out.name}.previous-{os.getpid()}"
        os.rename(out, previous)
        checkpoint("moved_aside")
        os.rename(staging, out)
        shutil.rmtree(previous)
    _fsync_dir(out.parent)
