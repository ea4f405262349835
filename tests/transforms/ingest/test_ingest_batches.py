"""A table staged batch by batch (operations.yaml ingest.batch_rows) gives the answer
of one pass over the whole table: the same staged rows, quarantine, counts and data docs."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.transforms.ingest.conftest import Run, headers, make_id, participant, write_csv
from transforms.config import Ingest
from transforms.ingest import write_data_docs

IDS = [make_id(dt.date(1950 + i, 1 + i % 12, 1 + i), i + 1) for i in range(8)]
CONTRIB = ["公民身份号码", "姓名", "缴费年度", "缴费档次", "个人缴费", "缴费日期"]


def _batched(config, rows: int):
    ops = config.operations.model_copy(update={"ingest": Ingest(batch_rows=rows)})
    return config.model_copy(update={"operations": ops})


@pytest.fixture
def mixed_inbox(config, inbox):
    head = headers(config, "participants")
    negative = {"个人账户余额": "-5.00"}          # fails the contract (between min 0)
    write_csv(inbox / "pension" / "participants_a.csv", head, [
        participant(IDS[0]), participant("12345", "李四"),        # invalid ID: a check
        participant(IDS[1], "王五", **negative), participant(IDS[2], "赵六")])
    write_csv(inbox / "pension" / "participants_b.csv", head, [
        participant(IDS[0]),                                       # a copy of a's first row
        participant(IDS[1], "王五", **negative),                   # a copy of a rejected row
        participant(IDS[3], "钱七", 待遇状态="不详"),              # fails the contract
        participant(IDS[4], "孙八")])
    write_csv(inbox / "pension" / "participants_c.csv", head, [
        participant(IDS[5], "周九", **negative), participant(IDS[6], "吴十"),
        participant(IDS[6], "吴十")])                              # a copy within c
    row = [IDS[0], "张三", "2026", "300", "300", "2026-03-01"]
    write_csv(inbox / "pension" / "contributions_a.csv", CONTRIB, [row])
    write_csv(inbox / "pension" / "contributions_b.csv", CONTRIB, [row, row])  # double payment
    return inbox


def _outcome(r: Run) -> dict:
    return {"participants": r.stg("participants"), "contributions": r.stg("contributions"),
            "quarantine": r.quarantine(),
            "files": r.rows("select * from ingest_files order by file"),
            "tables": {t: (x.rows, x.gx_failed_rows) for t, x in r.result.tables.items()}}


def test_batches_of_one_file_give_the_whole_table_answer(config, mixed_inbox, tmp_path):
    whole = Run(mixed_inbox, config)
    batched = Run(mixed_inbox, _batched(config, 1))
    assert len(whole.result.validations["participants"]) == 1
    assert len(batched.result.validations["participants"]) == 3
    assert _outcome(batched) == _outcome(whole)
    # by hand: a 2 accepted + 1 check + 1 contract; b 1 + 1 contract, 2 duplicates;
    # c 1 + 1 contract, 1 duplicate; the double payment stands in b, a's copy goes.
    counts = {f["file"]: (f["read"], f["accepted"], f["quarantined"], f["duplicates"])
              for f in whole.rows("select * from ingest_files")}
    assert counts == {"pension/participants_a.csv": (4, 2, 2, 0),
                      "pension/participants_b.csv": (4, 1, 1, 2),
                      "pension/participants_c.csv": (3, 1, 1, 1),
                      "pension/contributions_a.csv": (1, 0, 0, 1),
                      "pension/contributions_b.csv": (2, 2, 0, 0)}
    assert [(q["file"][-5:], q["row"], q["reason"]) for q in whole.quarantine()] == [
        ("a.csv", 2, "invalid_id"),
        ("a.csv", 3, "expect_column_values_to_be_between:account_balance"),
        ("b.csv", 3, "expect_column_values_to_be_in_set:benefit_status"),
        ("c.csv", 1, "expect_column_values_to_be_between:account_balance")]
    # The data docs add the batches up: the same page either way.
    page = "data_docs/suite_participants.html"
    write_data_docs(whole.result, tmp_path / "whole")
    write_data_docs(batched.result, tmp_path / "batched")
    text = (tmp_path / "whole" / page).read_text(encoding="utf-8")
    assert (tmp_path / "batched" / page).read_text(encoding="utf-8") == text
    assert "检查行数：10" in text and "被隔离的行数：3" in text
    assert "<code>-5</code> × 3" in text


def test_a_batch_holds_whole_files(config, mixed_inbox):
    # batch_rows 5: a (4 rows) alone, then b (4) alone, then c (3): never a file split.
    r = Run(mixed_inbox, _batched(config, 5))
    assert len(r.result.validations["participants"]) == 3
    r = Run(mixed_inbox, _batched(config, 8))    # a + b, then c
    assert len(r.result.validations["participants"]) == 2


def test_a_batch_that_fails_to_be_written_fails_the_ingest(config, mixed_inbox, monkeypatch):
    import duckdb

    from transforms.ingest import stager
    from transforms.sqlfile import StepError

    con = duckdb.connect()
    Run(mixed_inbox, config, con=con)
    kept = con.execute("select count(*) from stg_participants").fetchall()
    calls = []
    original = stager.append_staged

    def failing(con_, batches, rows):
        calls.append(batches)
        if len(calls) == 2:  # participants_b, on the writer thread; later jobs see it too
            raise OSError("disk full")
        original(con_, batches, rows)
    monkeypatch.setattr(stager, "append_staged", failing)
    with pytest.raises(StepError, match="disk full"):
        Run(mixed_inbox, _batched(config, 1), con=con)
    assert con.execute("select count(*) from stg_participants").fetchall() == kept


def test_progress_lines_come_in_reading_order(config, mixed_inbox):
    # A table is written while the next one is read: its line still comes before the
    # next table's file lines.
    from transforms import progress

    events = []
    with progress.listening(lambda e: events.append((e.what, e.name))):
        Run(mixed_inbox, config)
    lines = [(what, name) for what, name in events if what in ("file", "table")]
    assert lines == [
        ("file", "pension/participants_a.csv"), ("file", "pension/participants_b.csv"),
        ("file", "pension/participants_c.csv"), ("table", "participants"),
        ("file", "pension/contributions_a.csv"), ("file", "pension/contributions_b.csv"),
        ("table", "contributions"),
        *[("table", t) for t in config.sources.tables if t not in ("participants",
                                                                  "contributions")]]


def test_duplicates_do_not_rest_on_the_hash(config, mixed_inbox, monkeypatch):
    # Every row given the same key hash: each is a candidate, and duplicates.sql
    # compares the keys themselves, so the answer is unchanged.
    from transforms.ingest import dedupe

    whole = _outcome(Run(mixed_inbox, config))
    real = dedupe.read_sql

    def one_hash(name):
        if name == "staging/row_hashes":
            return "select _rid, 42::ubigint as _hash from staged_rows"
        return real(name)
    monkeypatch.setattr(dedupe, "read_sql", one_hash)
    assert _outcome(Run(mixed_inbox, _batched(config, 1))) == whole
    assert _outcome(Run(mixed_inbox, config)) == whole
