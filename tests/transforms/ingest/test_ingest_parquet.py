"""Parquet: every column cast to text first, numbers rendered like a spreadsheet's."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq

from tests.transforms.ingest.conftest import make_id

ID1 = make_id(dt.date(1960, 7, 8), 21)


def test_parquet_typed_columns(inbox, run):
    path = inbox / "pension" / "benefit_payments_2026.parquet"
    path.parent.mkdir(parents=True)
    pq.write_table(pa.table({
        "公民身份号码": [ID1, ID1],
        "姓名": ["王芳", "王芳"],
        "发放年月": ["2026-09", "202610"],
        "发放金额": pa.array([143.0, 143.5], pa.float64()),
        "其中基础养老金": pa.array([Decimal("143.00"), None], pa.decimal128(10, 2)),
        "备注": ["", ""],                                   # an extra column is ignored
    }), path)
    r = run(inbox)
    rows = r.stg("benefit_payments")
    assert [(x["id_number"], x["pay_month"], x["amount"], x["basic_pension"]) for x in rows] == [
        (ID1, dt.date(2026, 9, 1), Decimal("143.00"), Decimal("143.00")),
        (ID1, dt.date(2026, 10, 1), Decimal("143.50"), None)]
    assert r.file("pension/benefit_payments_2026.parquet")["extract_date"] == dt.date(2026, 1, 1)


def test_a_parquet_id_held_as_a_number_is_precision_lost(inbox, run):
    path = inbox / "health" / "death_certificates.parquet"
    path.parent.mkdir(parents=True)
    pq.write_table(pa.table({
        "身份证件号码": pa.array([620421197005204004.0], pa.float64()),
        "姓名": ["张三"],
        "死亡日期": pa.array([dt.date(2026, 10, 1)], pa.date32()),
    }), path)
    [row] = run(inbox).stg("death_certificates")
    assert (row["id_number"], row["id_status"], row["death_date"]) == (
        "620421197005204000", "precision_lost", dt.date(2026, 10, 1))


def test_a_corrupt_parquet_is_quarantined_whole(inbox, run):
    (inbox / "hr").mkdir(parents=True)
    (inbox / "hr" / "enterprise_pension.parquet").write_bytes(b"PAR1 nothing here")
    entry = run(inbox).file("hr/enterprise_pension.parquet")
    assert (entry["status"], entry["reason"]) == ("quarantined", "corrupt_file")
