"""Helpers for the ingest tests: synthetic IDs, inbox files in every format, one run."""
from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from tests.support import valid_id
from transforms.ingest import ingest

AS_OF = dt.date(2026, 11, 28)


make_id = valid_id  # make_id(birth date, seq int): the one factory of tests/support.py


def headers(config, table: str) -> list[str]:
    return [c.header for c in config.sources.tables[table].columns.values()]


def write_csv(path: Path, header: list[str], rows: list[list[str]],
              encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def participant(id_number: str, name: str = "张三", **changes) -> list[str]:
    """A participants row in header order (CONTRACT §1)."""
    row = {"个人编号": "P1", "公民身份号码": id_number, "姓名": name, "性别": "男",
           "出生日期": "1970-05-20", "乡镇（街道）": "城关镇", "村（社区）": "东街村",
           "参保状态": "正常参保", "待遇状态": "未领取", "参保日期": "2015-01-01",
           "待遇开始年月": "", "月养老金": "", "个人账户余额": "1,234.50", "代缴类别": ""}
    row.update(changes)
    return list(row.values())


class Run:
    """One ingest of an inbox into an in-memory warehouse."""

    def __init__(self, inbox: Path, config, as_of: dt.date = AS_OF, con=None):
        self.con = con or duckdb.connect()
        self.result = ingest(self.con, inbox, config, as_of)

    def rows(self, sql: str, params: dict | None = None) -> list[dict]:
        cursor = self.con.execute(sql, params or {})
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r)) for r in cursor.fetchall()]

    def stg(self, table: str, order: str = "_rid") -> list[dict]:
        return self.rows(f"select * from stg_{table} order by {order}")

    def quarantine(self, file: str | None = None) -> list[dict]:
        rows = self.rows('select * from quarantine order by file, "row"')
        for row in rows:
            row["raw"] = json.loads(row["raw"])
        return [r for r in rows if file is None or r["file"] == file]

    def file(self, name: str) -> dict:
        return self.rows("select * from ingest_files where file = $f", {"f": name})[0]


@pytest.fixture
def inbox(tmp_path) -> Path:
    return tmp_path / "inbox"


@pytest.fixture
def run(config):
    def _run(inbox: Path, as_of: dt.date = AS_OF, con=None) -> Run:
        return Run(inbox, config, as_of, con)
    return _run
