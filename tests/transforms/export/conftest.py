"""Fixtures for the export tests: the stage-4 input tables built directly, small rows.

- ``con``: in-memory DuckDB with every export input (``list_*``, ``review_queue``,
  ``progress``, ``quarantine``, ``ingest_files``, ``skipped_checks``,
  ``table_status``) created empty with the product's own schemas (list contracts,
  ingest's tables).
- ``insert(con, table, rows)``: rows from dicts; columns not given are NULL.
- ``make_id(birth, seq)``: a synthetic valid 18-character ID in county 620421.
- ``sample(con)``: a handful of rows over three townships (乌兰镇, 北湾镇, 未知乡镇).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pytest

from tests.support import create_output_tables, valid_id
from transforms import lists_schema
from transforms.ingest.staging import INGEST_FILES, QUARANTINE, TABLE_STATUS
from transforms.sqlbuild import create_table_sql

AS_OF = dt.date(2024, 6, 30)
# The other export inputs, with the schemas ingest and the rules write.
OTHER_TABLES = {
    "quarantine": QUARANTINE,
    "ingest_files": INGEST_FILES,
    "skipped_checks": [("check", "VARCHAR"), ("reason", "VARCHAR")],
    "table_status": TABLE_STATUS,
}


def table_name(list_name: str) -> str:
    return lists_schema.table(list_name)


def create_inputs(con, skip=()) -> None:
    """Every export input, empty: lists and progress with their contracts' types (internal
    columns too), the rest with ingest's schemas."""
    create_output_tables(con, [n for n in lists_schema.OUTPUTS
                               if lists_schema.table(n) not in skip], with_cases=True)
    for table, cols in OTHER_TABLES.items():
        if table not in skip:
            con.execute(create_table_sql(table, cols))


def insert_rows(con, table: str, rows: list[dict]) -> None:
    cols = [r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_name = $t "
        "order by ordinal_position", {"t": table}).fetchall()]
    for row in rows:
        unknown = set(row) - set(cols)
        assert not unknown, f"{table}: no columns {unknown}"
        con.execute(f'insert into "{table}" values ({", ".join("?" for _ in cols)})',
                    [row.get(c) for c in cols])


def synthetic_id(birth: str = "19800101", seq: int = 1) -> str:
    """tests.support.valid_id, born 1980-01-01 unless told."""
    return valid_id(birth, seq)


@pytest.fixture
def con():
    connection = duckdb.connect()
    create_inputs(connection)
    yield connection
    connection.close()


@pytest.fixture
def insert():
    return insert_rows


@pytest.fixture
def make_id():
    return synthetic_id


def fill_sample(con) -> dict:
    """A few rows in every input; returns the IDs used, by key."""
    ids = {k: synthetic_id("19500101", i) for i, k in
           enumerate(("dead_a", "dead_b", "lapsed", "unknown", "review"), start=1)}
    insert_rows(con, "list_deceased_accounts", [
        {"id_number": ids["dead_b"], "name": "王二", "township": "乌兰镇", "village": "西关村",
         "reason": "deceased", "evidence": f"公安户籍2023-03-05注销（死亡）；身份证{ids['dead_b']}",
         "death_date": dt.date(2023, 3, 5), "death_sources": "health|public_security",
         "match_method": "id", "benefit_status": "正常发放",
         "last_paid_month": dt.date(2024, 5, 1), "months_overpaid": 14,
         "overpaid_amount": Decimal("1722.00"), "account_balance": Decimal("-5.5"),
         "date_conflict": False},
        {"id_number": ids["dead_a"], "name": "=SUM(A1)", "township": "乌兰镇",
         "village": "东关村", "reason": "deceased", "evidence": "+8613800000000",
         "death_date": dt.date(2022, 9, 20), "death_sources": "civil_affairs",
         "match_method": "name_dob", "benefit_status": "暂停发放",
         "last_paid_month": None, "months_overpaid": 0, "overpaid_amount": Decimal(0),
         "account_balance": Decimal(1000), "date_conflict": True},
    ])
    insert_rows(con, "list_lapsed_payers", [
        {"id_number": ids["lapsed"], "name": "-1", "township": "北湾镇", "village": "@x",
         "reason": "lapsed", "evidence": "\t制表符开头", "age": 44, "last_paid_year": 2021,
         "years_missed": 3},
    ])
    insert_rows(con, "list_unenrolled_residents", [
        {"id_number": ids["unknown"], "name": "赵六", "township": "未知乡镇", "village": None,
         "reason": "unenrolled", "evidence": "户籍正常，未参保", "age": 30},
    ])
    insert_rows(con, "review_queue", [
        {"id_number": ids["review"], "name": "李四", "township": "北湾镇", "village": "红星村",
         "reason": "fuzzy_match", "evidence": "姓名同音", "source": "health",
         "source_id_number": None, "source_name": "李泗", "score": 0.8333333},
    ])
    insert_rows(con, "progress", [
        {"township": "北湾镇", "target": 1000, "completed": 900, "completed_this_week": 30,
         "completion_rate": Decimal("0.9000"), "eligible": 1200, "insured": 1100,
         "participation_rate": Decimal("0.9167"), "gap_to_target": 76},
        {"township": "未知乡镇", "target": None, "completed": 3, "completed_this_week": 1,
         "completion_rate": None,
         "eligible": 5, "insured": 2, "participation_rate": Decimal("0.4000"),
         "gap_to_target": 3},
        {"township": "乌兰镇", "target": 500, "completed": 500, "completed_this_week": 0,
         "completion_rate": Decimal("1.0000"), "eligible": 100, "insured": 99,
         "participation_rate": Decimal("0.9900"), "gap_to_target": 0},
    ])
    insert_rows(con, "quarantine", [
        {"source": "health", "table": "death_certificates", "file": "health/death_certificates.csv",
         "row": 7, "reason": "bad_date", "raw": '{"死亡日期": "2022-02-30"}'},
        {"source": "health", "table": "death_certificates", "file": "health/death_certificates.csv",
         "row": None, "reason": "corrupt_file", "raw": None},
        {"source": "health", "table": "death_certificates", "file": "health/death_certificates.csv",
         "row": 2, "reason": "invalid_id", "raw": '{"身份证件号码": "=1+1"}'},
    ])
    insert_rows(con, "ingest_files", [
        {"file": "pension/participants.csv", "source": "pension", "table": "participants",
         "sha256": "a" * 64, "extract_date": None, "read": 10, "accepted": 9, "quarantined": 0,
         "duplicates": 1, "status": "ok", "reason": None, "stale": False},
        {"file": "health/death_certificates_20240101.csv", "source": "health",
         "table": "death_certificates", "sha256": "b" * 64,
         "extract_date": dt.date(2024, 1, 1), "read": 5, "accepted": 3, "quarantined": 2,
         "duplicates": 0, "status": "ok", "reason": None, "stale": True},
    ])
    insert_rows(con, "skipped_checks", [
        {"check": "poverty_monitoring", "reason": "乡村振兴局本次未报送数据"},
    ])
    return ids


@pytest.fixture
def sample(con):
    return fill_sample(con)
