"""Data docs: an index and a page per validated suite, the same bytes for the same inputs."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from tests.transforms.ingest.conftest import make_id, write_csv
from transforms.ingest import write_data_docs
from transforms.ingest.data_docs import _samples


def test_data_docs_pages_and_counts(inbox, run, tmp_path):
    f = "public_security/household_registry.csv"
    write_csv(inbox / f, ["公民身份号码", "姓名", "户口状态"],
              [[make_id(dt.date(1960, 1, 1), 1), "张三", "正常"],
               [make_id(dt.date(1960, 1, 1), 2), "李四", "迁移"]])
    result = run(inbox).result
    index = write_data_docs(result, tmp_path / "out")
    assert index == tmp_path / "out" / "data_docs" / "index.html"
    html = index.read_text(encoding="utf-8")
    assert 'href="suite_household_registry.html"' in html
    assert "1 项未通过" in html and "本次无数据，未检查" in html
    page = (tmp_path / "out" / "data_docs" / "suite_household_registry.html").read_text(
        encoding="utf-8")
    assert "expect_column_values_to_be_in_set" in page and "hukou_status" in page
    assert "<code>迁移</code> × 1" in page
    assert "检查行数：2" in page and "被隔离的行数：1" in page
    # no run ids or times: a second rendering is byte-identical
    again = write_data_docs(run(inbox).result, tmp_path / "again")
    assert again.read_bytes() == index.read_bytes()
    assert (tmp_path / "again" / "data_docs" / "suite_household_registry.html").read_bytes() == \
        (tmp_path / "out" / "data_docs" / "suite_household_registry.html").read_bytes()


def test_ids_in_data_docs_samples_are_masked():
    id_number = make_id(dt.date(1960, 1, 1))
    counts = {"partial_unexpected_counts": [{"value": id_number, "count": 2},
                                            {"value": None, "count": 1}]}
    assert _samples("id_number", counts) == [
        {"value": "620421********" + id_number[-4:], "count": 2}, {"value": "空", "count": 1}]
    dated = {"partial_unexpected_counts": [{"value": pd.Timestamp("2026-11-29"), "count": 1},
                                           {"value": -1234567.5, "count": 1}]}
    assert [v["value"] for v in _samples("death_date", dated)] == ["2026-11-29", "-1234567.5"]
    assert _samples("hukou_status", {"partial_unexpected_counts": [{"value": "迁移", "count": 1}]}) \
        == [{"value": "迁移", "count": 1}]
