"""The stage-1 tables of docs/architecture.md: schema, status, replacement, one transaction."""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from tests.transforms.ingest.conftest import headers, make_id, participant, write_csv
from transforms.ingest import staging
from transforms.sqlbuild import IdentifierError
from transforms.sqlfile import StepError

ID1 = make_id(dt.date(1970, 5, 20), 1)
ID2 = make_id(dt.date(1965, 1, 2), 2)


def _describe(con, table):
    return [(r[0], r[1]) for r in con.execute(f"describe {table}").fetchall()]


def test_every_table_exists_with_its_full_schema_when_nothing_came(config, tmp_path, run):
    r = run(tmp_path / "no_such_inbox")
    assert _describe(r.con, "stg_benefit_payments") == [
        ("_rid", "BIGINT"), ("_file", "VARCHAR"), ("_row", "INTEGER"), ("_extract_date", "DATE"),
        ("id_number", "VARCHAR"), ("id_raw", "VARCHAR"), ("id_status", "VARCHAR"),
        ("id_birth_date", "DATE"), ("name", "VARCHAR"), ("name_raw", "VARCHAR"),
        ("name_pinyin", "VARCHAR"), ("pay_month", "DATE"), ("amount", "DECIMAL(18,2)"),
        ("basic_pension", "DECIMAL(18,2)")]
    assert ("township", "VARCHAR") in _describe(r.con, "stg_township_targets")
    assert ("target", "INTEGER") in _describe(r.con, "stg_township_targets")
    for table in config.sources.tables:
        assert r.con.execute(f"select count(*) from stg_{table}").fetchone() == (0,)
    status = r.rows('select * from table_status order by "table"')
    assert len(status) == len(config.sources.tables)
    assert all(not s["present"] and s["files"] == 0 and s["rows"] == 0 for s in status)
    assert _describe(r.con, "quarantine") == [
        ("source", "VARCHAR"), ("table", "VARCHAR"), ("file", "VARCHAR"), ("row", "INTEGER"),
        ("reason", "VARCHAR"), ("raw", "VARCHAR")]
    assert [c for c, _ in _describe(r.con, "ingest_files")] == [
        "file", "source", "table", "sha256", "extract_date", "read", "accepted", "quarantined",
        "duplicates", "status", "reason", "stale", "age_days", "extract_kind"]


def test_a_run_replaces_the_previous_runs_tables(config, tmp_path, run):
    first, second = tmp_path / "first", tmp_path / "second"
    write_csv(first / "pension" / "participants.csv", headers(config, "participants"),
              [participant(ID1), participant("")])
    write_csv(second / "pension" / "participants.csv", headers(config, "participants"),
              [participant(ID2, "李四")])
    con = duckdb.connect()
    run(first, con=con)
    r = run(second, con=con)
    assert [x["id_number"] for x in r.stg("participants")] == [ID2]
    assert r.quarantine() == []
    assert len(r.rows("select * from ingest_files")) == 1


def test_a_failed_write_leaves_the_previous_run_intact(config, tmp_path, run, monkeypatch):
    first, second = tmp_path / "first", tmp_path / "second"
    write_csv(first / "pension" / "participants.csv", headers(config, "participants"),
              [participant(ID1)])
    write_csv(second / "pension" / "participants.csv", headers(config, "participants"),
              [participant(ID2, "李四")])
    con = duckdb.connect()
    run(first, con=con)
    original = staging._insert

    def failing(con_, name, columns, rows):
        if name == "ingest_files":
            raise RuntimeError("disk full")
        original(con_, name, columns, rows)

    monkeypatch.setattr(staging, "_insert", failing)
    with pytest.raises(StepError, match="disk full"):
        run(second, con=con)
    assert con.execute("select id_number from stg_participants").fetchall() == [(ID1,)]


def test_the_same_inbox_gives_the_same_tables(config, inbox, run):
    write_csv(inbox / "pension" / "participants.csv", headers(config, "participants"),
              [participant(ID2, "李四"), participant(ID1), participant("", "王五")])
    write_csv(inbox / "public_security" / "household_registry.csv",
              ["公民身份号码", "姓名", "户口状态"], [[ID1, "张三", "正常"], ["", "李四", "正常"]])
    a, b = run(inbox), run(inbox)
    for table in ["stg_participants", "stg_household_registry", "quarantine", "ingest_files",
                  "table_status"]:
        assert a.rows(f"select * from {table}") == b.rows(f"select * from {table}")
    rids = [x["_rid"] for x in a.stg("participants")]
    assert rids == sorted(set(rids))


def test_create_table_sql_refuses_odd_identifiers():
    with pytest.raises(IdentifierError):
        staging.create_table_sql('stg_x"; drop table y; --', [("a", "VARCHAR")])


def test_a_batch_written_inside_the_transaction_is_not_kept_in_memory():
    # DuckDB keeps a table registered with con.register alive until the transaction
    # commits, unregistered or not; staging._append must let go of it at once.
    import gc

    import pyarrow as pa

    con = duckdb.connect()
    con.execute("begin")
    con.execute(staging.create_table_sql("t", [("a", "BIGINT"), ("b", "VARCHAR")], temp=True))
    before = pa.total_allocated_bytes()
    rows = pa.table({"a": pa.array(range(1_000_000), pa.int64()), "b": ["x"] * 1_000_000})
    assert pa.total_allocated_bytes() - before > 8_000_000
    staging._append(con, "t", rows)
    del rows
    gc.collect()
    assert pa.total_allocated_bytes() - before < 1_000_000
    assert con.execute("select count(*) from t").fetchall() == [(1_000_000,)]
    con.execute("commit")
