"""Other processes' CPU, without this run's own (transforms/cpu_load.py)."""
from __future__ import annotations

import subprocess
import sys
import time

from transforms import cpu_load
from transforms.export import county_workbook


def test_own_cpu_counts_a_child_process_once_it_has_ended():
    # the export worker is a child process: its CPU is this run's, not another job's
    before = cpu_load.own_cpu()
    busy = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass"
    subprocess.run([sys.executable, "-c", busy], check=True)
    assert cpu_load.own_cpu() - before >= 0.3


def test_others_are_the_machines_busy_cpu_less_this_process():
    # 10 s of wall: the machine was busy 15 CPU s, this process 10 of them
    assert cpu_load.others_cores(now=(110.0, 115.0, 20.0), since=(100.0, 100.0, 10.0)) == 0.5


def test_this_process_alone_leaves_no_other_load():
    # both cores busy for 10 s, all of it this process (its threads, its ended children)
    assert cpu_load.others_cores(now=(10.0, 20.0, 25.0), since=(0.0, 0.0, 5.0)) == 0.0


def test_no_figure_under_a_second_or_without_proc_stat(tmp_path):
    assert cpu_load.others_cores(now=(0.5, 1.0, 0.0), since=(0.0, 0.0, 0.0)) is None
    assert cpu_load.sample(str(tmp_path / "missing")) is None
    (tmp_path / "stat").write_text("cpu  1 2\n", encoding="ascii")
    assert cpu_load.sample(str(tmp_path / "stat")) is None


def test_a_busy_process_beside_the_run_is_counted():
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.3)  # its start-up
        since = cpu_load.sample()
        time.sleep(1.5)
        others = cpu_load.others_cores(since=since)
    finally:
        busy.kill()
        busy.wait()
    assert others is not None and others >= 0.3


def test_the_worker_waits_for_a_free_core(monkeypatch):
    monkeypatch.setattr(county_workbook.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(county_workbook.cpu_load, "others_cores", lambda: 0.2)
    assert county_workbook.second_core_free()
    monkeypatch.setattr(county_workbook.cpu_load, "others_cores", lambda: 1.1)
    assert not county_workbook.second_core_free()
    monkeypatch.setattr(county_workbook.os, "cpu_count", lambda: 1)
    monkeypatch.setattr(county_workbook.cpu_load, "others_cores", lambda: 0.0)
    assert not county_workbook.second_core_free()


def test_without_the_figure_the_load_average_decides(monkeypatch):
    monkeypatch.setattr(county_workbook.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(county_workbook.cpu_load, "others_cores", lambda: None)
    monkeypatch.setattr(county_workbook.os, "getloadavg", lambda: (1.5, 1.0, 1.0))
    assert county_workbook.second_core_free()
    monkeypatch.setattr(county_workbook.os, "getloadavg", lambda: (2.5, 1.0, 1.0))
    assert not county_workbook.second_core_free()
