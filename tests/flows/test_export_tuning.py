"""The run takes the export worker's figures from operations.yaml (export.worker_rows,
export.worker_share): the flow hands them to the export, no constant decides."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from flows.pipeline import RunRequest, run_plain
from transforms.config import Export

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def test_the_run_gives_the_worker_what_operations_yaml_says(tmp_path, config, monkeypatch):
    """worker_rows 0 starts the worker on the sample's few rows (a core free), and
    worker_share 1 gives it every township workbook; the files are the same as the
    workbooks' own tests hold, so here only who wrote them is checked."""
    from transforms.export import county_workbook
    from transforms.export.export_worker import ExportWorker

    monkeypatch.setattr(county_workbook, "second_core_free", lambda: True)
    sent: list[list] = []
    send = ExportWorker.send_townships

    def recorded(self, jobs):
        sent.append([Path(path).name for path, _ in jobs])
        return send(self, jobs)
    monkeypatch.setattr(ExportWorker, "send_townships", recorded)
    ops = config.operations.model_copy(
        update={"export": Export(worker_rows=0, worker_share=1.0)})
    tuned = config.model_copy(update={"operations": ops})
    out = tmp_path / "out"
    run_plain(RunRequest(inbox=SAMPLE / "inbox", as_of=dt.date(2025, 6, 30), config=tuned,
                         out=out, warehouse=tmp_path / "w.duckdb"))
    written = sorted(p.name for p in (out / "townships").iterdir())
    assert len(sent) == 1 and len(written) >= 18
    assert sorted(name.removeprefix(".").removesuffix(".tmp") for name in sent[0]) == written
    assert (out / "county.xlsx").is_file()
