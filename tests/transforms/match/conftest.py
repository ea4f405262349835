"""Fixtures for the matcher tests: hand-made staging tables, built as ingest would build them.

Rows are given raw (the ID and name as a department sends them); the normalisers of
transforms/normalise fill the derived columns, so these tests also pin the interface
between ingest and match.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from tests.support import create_staging, valid_id
from transforms.ingest.staging import staging_columns
from transforms.normalise.id import normalise_id
from transforms.normalise.name import normalise_name, pinyin_key


def synthetic_id(birth: str, seq: str = "00", sex: str = "男", county: str = "620421") -> str:
    """tests.support.valid_id with the matcher tests' habit: 2 digits, then the sex digit
    (1 for a man, 2 for a woman)."""
    return valid_id(birth, seq + ("1" if sex == "男" else "2"), area=county)


class Staging:
    """Creates every department table and the ledger empty; `add` appends raw rows."""

    def __init__(self, con: duckdb.DuckDBPyConnection, config) -> None:
        self.con = con
        self.config = config
        self.next_rid: dict[str, int] = {}
        tables = [name for name, table in config.sources.tables.items()
                  if table.kind == "department" or name == "participants"]
        create_staging(con, config, tables)
        self.next_rid = dict.fromkeys(tables, 1)

    def add(self, table: str, id_raw: str | None, name_raw: str, *, sex: str | None = None,
            birth: str | None = None) -> int:
        """Append one row; return its _rid."""
        rid = self.next_rid[table]
        self.next_rid[table] += 1
        nid = normalise_id(id_raw)
        name = normalise_name(name_raw)
        values = {"_rid": rid, "_file": f"{table}.csv", "_row": rid, "id_number": nid.id_number,
                  "id_raw": id_raw, "id_status": nid.status, "id_birth_date": nid.birth_date,
                  "name": name, "name_raw": name_raw, "name_pinyin": pinyin_key(name),
                  "sex": sex, "birth_date": dt.date.fromisoformat(birth) if birth else None}
        present = {c for c, _ in staging_columns(self.config.sources.tables[table])}
        cols = [c for c in values if c in present]
        self.con.execute(
            f"insert into stg_{table} ({', '.join(cols)}) values "
            f"({', '.join('$' + c for c in cols)})", {c: values[c] for c in cols})
        return rid

    def ledger(self, id_number: str, name: str, *, sex: str | None = None,
               birth: str | None = None) -> int:
        return self.add("participants", id_number, name, sex=sex, birth=birth)


    def links(self) -> list[tuple]:
        return self.con.execute(
            "select src_table, src_rid, ledger_rid, method, score, evidence "
            "from match_links order by all").fetchall()

    def review(self) -> list[tuple]:
        return self.con.execute(
            "select src_table, src_rid, ledger_rid, reason, score, evidence "
            "from match_review order by all").fetchall()


@pytest.fixture
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


@pytest.fixture
def staging(con, config) -> Staging:
    """Every department staging table and the ledger, empty; add rows with .add/.ledger."""
    return Staging(con, config)


@pytest.fixture
def make_id():
    """make_id(birth YYYYMMDD, seq 2 digits, sex) -> a valid synthetic ID in 620421."""
    return synthetic_id
