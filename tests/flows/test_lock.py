import multiprocessing as mp

import pytest

from flows.lock import WarehouseBusy, warehouse_lock


def _hold(path, ready, release):
    with warehouse_lock(path):
        ready.set()
        release.wait(10)


def test_second_writer_is_refused_while_the_first_holds_the_lock(tmp_path):
    path = tmp_path / "w.duckdb"
    ctx = mp.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold, args=(path, ready, release))
    holder.start()
    try:
        assert ready.wait(30)
        with pytest.raises(WarehouseBusy), warehouse_lock(path, wait_seconds=0.5):
            pass
    finally:
        release.set()
        holder.join(10)
    with warehouse_lock(path, wait_seconds=1):
        pass
