"""CONTRACT §2 "One run per warehouse": refused at once, --wait queues, stale locks taken over."""
import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from flows.lock import WarehouseBusy, lock_path, warehouse_lock

HOLD = """
import sys, time
from pathlib import Path
from flows.lock import warehouse_lock
with warehouse_lock(Path(sys.argv[1]), command="holder"):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _holder(path, seconds):
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path), str(seconds)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_busy_warehouse_is_refused_at_once_naming_the_other_run(tmp_path):
    path = tmp_path / "w.duckdb"
    holder = _holder(path, 30)
    try:
        start = time.monotonic()
        with pytest.raises(WarehouseBusy) as refused, warehouse_lock(path):
            pass
        assert time.monotonic() - start < 1
        assert refused.value.holder["pid"] == holder.pid
        message = str(refused.value)
        assert f"pid {holder.pid}" in message and socket.gethostname() in message
        assert "since 20" in message and "(holder)" in message
    finally:
        holder.kill()
        holder.wait()


def test_wait_queues_until_the_other_run_is_done(tmp_path):
    path = tmp_path / "w.duckdb"
    holder = _holder(path, 1.5)
    start = time.monotonic()
    with warehouse_lock(path, wait_seconds=20) as held:
        waited = time.monotonic() - start
        assert held["pid"] == os.getpid()
    holder.wait()
    assert 0.5 < waited < 10


def test_wait_gives_up_after_its_seconds(tmp_path):
    path = tmp_path / "w.duckdb"
    holder = _holder(path, 30)
    try:
        start = time.monotonic()
        with pytest.raises(WarehouseBusy, match=r"waited 1 s"), warehouse_lock(path, 1):
            pass
        assert 0.9 < time.monotonic() - start < 3
    finally:
        holder.kill()
        holder.wait()


def test_the_lock_of_a_killed_run_is_taken_over(tmp_path, caplog):
    path = tmp_path / "w.duckdb"
    holder = _holder(path, 30)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert json.loads(lock_path(path).read_text())["pid"] == holder.pid  # left behind
    with caplog.at_level("WARNING", logger="flows.lock"), warehouse_lock(path) as held:
        assert held["pid"] == os.getpid()
        assert json.loads(lock_path(path).read_text())["pid"] == os.getpid()
    assert f"pid {holder.pid}" in caplog.text and "process gone" in caplog.text
    assert lock_path(path).read_text() == ""  # a clean release names no holder


def test_a_clean_release_lets_the_next_run_in_without_a_warning(tmp_path, caplog):
    path = tmp_path / "w.duckdb"
    with warehouse_lock(path):
        pass
    with caplog.at_level("WARNING", logger="flows.lock"), warehouse_lock(path):
        pass
    assert "stale" not in caplog.text
