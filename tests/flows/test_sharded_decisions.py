"""Township decisions act the same on a sharded run (RULES §8): a 是 on a review pair
(a manual link), a 是 on a sign of life (the death stands: the person goes onto the death
lists) and a 不属实 hold on the shards exactly as in a local run. The shards run as Prefect tasks in threads here
(the flow's default task runner): the flow's wiring, without a cluster."""
from __future__ import annotations

import hashlib
import shutil

import openpyxl
import pytest
from typer.testing import CliRunner

from tests.flows.test_feedback_roundtrip import DAY1, DAY2, ID, _answer, _case, _inbox, _run

pytestmark = pytest.mark.e2e


def _digests(out):
    files = [*(out / "lists").glob("*.csv"), out / "progress.csv"]
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def _sharded(inbox, out, day, warehouse, shards: int) -> dict:
    """A run whose match and rules steps are sharded, the shard tasks submitted to the
    flow's default task runner (threads) by the mapper a cluster run uses."""
    from flows.pipeline import Reconciliation, RunRequest
    from flows.recon import handing_over, recon_flow
    from flows.sharded import Sharding, scratch_for
    from transforms.config import load_config

    request = RunRequest(inbox=inbox, as_of=day, config=load_config(), out=out,
                         warehouse=warehouse)
    with Reconciliation(request) as recon, handing_over(recon):
        recon.sharding = Sharding(shards=shards, scratch=scratch_for(out),
                                  cluster={"kind": "threads"})
        return recon_flow(warehouse=warehouse)


def test_decisions_give_the_same_lists_on_3_shards(tmp_path, prefect_harness):
    from flows.cli import app
    from flows.recon import recon_flow

    inbox = _inbox(tmp_path)
    day1 = _run(tmp_path, inbox, DAY1, "day1")
    book = openpyxl.load_workbook(day1 / "townships" / "乌兰镇.xlsx")
    _answer(book, "死亡未销户", _case(day1, "deceased_accounts", "W2"), "不属实")
    _answer(book, "待人工确认", _case(day1, "review_queue", "W4", "fuzzy_match"), "是")
    _answer(book, "待人工确认", _case(day1, "review_queue", "W5", "alive_signal_after_death"),
            "是")
    book.save(tmp_path / "back.xlsx")
    imported = CliRunner().invoke(app, ["feedback", "import", str(tmp_path / "back.xlsx"),
                                        "--warehouse", str(tmp_path / "w.duckdb")])
    assert imported.exit_code == 0, imported.output
    for name in ("local", "dask"):
        shutil.copy(tmp_path / "w.duckdb", tmp_path / f"{name}.duckdb")
    recon_flow(inbox=inbox, out=tmp_path / "local", as_of=DAY2,
               warehouse=tmp_path / "local.duckdb")
    result = _sharded(inbox, tmp_path / "dask", DAY2, tmp_path / "dask.duckdb", shards=3)
    assert result["cluster"] == {"kind": "threads"}
    local = (tmp_path / "local" / "lists" / "deceased_accounts.csv").read_text("utf-8-sig")
    assert ID["W4"] in local and "manual" in local  # the 是 made a link
    assert ID["W5"] in local  # 是 on the sign of life: the death stands
    assert ID["W2"] not in local  # 不属实 holds
    assert _digests(tmp_path / "dask") == _digests(tmp_path / "local")
