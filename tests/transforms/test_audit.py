"""The audit log: appended lines, rotation by retention, nothing ever deleted."""
from __future__ import annotations

import datetime as dt
import json

from transforms.audit import append_event, audit_path, read_events

TZ = dt.timezone(dt.timedelta(hours=8))


def test_each_event_is_one_appended_line_with_who_and_where(tmp_path):
    warehouse = tmp_path / "w" / "recon.duckdb"
    append_event(warehouse, "run", "recon run", {"as_of": dt.date(2026, 11, 28)},
                 outputs=[{"file": "progress.csv", "rows": 18, "sha256": "ab"}])
    append_event(warehouse, "import", "recon feedback import", {"files": ["乌兰镇.xlsx"]})
    lines = audit_path(warehouse).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["kind"] == "run" and first["parameters"] == {"as_of": "2026-11-28"}
    assert first["user"] and first["host"] and first["pid"]
    assert first["outputs"][0]["rows"] == 18
    assert [e["kind"] for e in read_events(warehouse)] == ["run", "import"]


def test_lines_past_the_retention_move_to_a_dated_file(tmp_path):
    warehouse = tmp_path / "recon.duckdb"
    old = dt.datetime(2025, 1, 1, 12, tzinfo=TZ)
    recent = dt.datetime(2026, 1, 1, 12, tzinfo=TZ)
    append_event(warehouse, "run", "recon run", now=old)
    append_event(warehouse, "run", "recon run", now=recent)
    # 2026-03-01 is 424 days after the first line and 59 after the second
    append_event(warehouse, "run", "recon run", now=dt.datetime(2026, 3, 1, tzinfo=TZ))
    archive = tmp_path / "audit-2026-03-01.jsonl"
    assert [json.loads(x)["time"][:10] for x in archive.read_text().splitlines()] == ["2025-01-01"]
    assert [e["time"][:10] for e in read_events(warehouse)] == ["2026-01-01", "2026-03-01"]
