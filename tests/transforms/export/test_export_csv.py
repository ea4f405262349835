"""write_lists: lists/*.csv, progress.csv, quarantine.csv (CONTRACT §3)."""
from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms import lists_schema
from transforms.export import ExportError, write_lists


def read(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def rows_of(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_file_is_written_with_its_header_even_when_empty(con, tmp_path, config):
    written = write_lists(con, tmp_path, county=config.county)
    assert [w.file for w in written] == (
        [f"lists/{n}.csv" for n in lists_schema.LISTS] + ["progress.csv", "quarantine.csv"])
    for name in lists_schema.LISTS:
        raw = (tmp_path / "lists" / f"{name}.csv").read_bytes()
        assert raw == b"\xef\xbb\xbf" + ",".join(lists_schema.columns(name)).encode() + b"\r\n"
    assert read(tmp_path / "progress.csv") == [list(lists_schema.PROGRESS)]
    assert read(tmp_path / "quarantine.csv") == [list(lists_schema.QUARANTINE)]
    assert all(w.rows == 0 and w.note is None for w in written)


def test_a_missing_table_gives_a_header_only_file_and_a_note(con, tmp_path, insert, make_id):
    con.execute("drop table list_funeral_grants")
    con.execute("drop table quarantine")
    written = {w.file: w for w in write_lists(con, tmp_path)}
    assert read(tmp_path / "lists" / "funeral_grants.csv") == [
        list(lists_schema.columns("funeral_grants"))]
    assert "list_funeral_grants missing" in written["lists/funeral_grants.csv"].note
    assert "quarantine missing" in written["quarantine.csv"].note
    assert written["lists/deceased_accounts.csv"].note is None


def test_a_table_lacking_a_contract_column_is_an_error_naming_it(con, tmp_path):
    con.execute("alter table list_lapsed_payers drop column years_missed")
    with pytest.raises(ExportError, match="list_lapsed_payers.*years_missed"):
        write_lists(con, tmp_path)


def test_money_dates_months_booleans_and_null(con, tmp_path, sample):
    write_lists(con, tmp_path)
    rows = {r["id_number"]: r for r in rows_of(tmp_path / "lists" / "deceased_accounts.csv")}
    b = rows[sample["dead_b"]]
    assert b["death_date"] == "2023-03-05"
    assert b["last_paid_month"] == "2024-05"
    assert b["overpaid_amount"] == "1722.00"
    assert b["account_balance"] == "-5.50"  # a number: never prefixed
    assert b["date_conflict"] == "false"
    assert b["months_overpaid"] == "14"
    assert b["death_sources"] == "health|public_security"
    a = rows[sample["dead_a"]]
    assert a["last_paid_month"] == ""  # NULL
    assert a["overpaid_amount"] == "0.00"
    assert a["account_balance"] == "1000.00"
    assert a["date_conflict"] == "true"
    review = rows_of(tmp_path / "lists" / "review_queue.csv")[0]
    assert review["score"] == "0.8333"
    assert review["source_id_number"] == ""


def test_money_columns_tier_expected_recorded_have_two_places(con, tmp_path, insert, make_id):
    insert(con, "list_contribution_issues", [
        {"id_number": make_id(), "name": "甲", "township": "乌兰镇", "village": "一村",
         "reason": "amount_mismatch", "evidence": "个人缴费290元", "year": 2023,
         "tier": Decimal(300), "issue": "amount_mismatch", "expected": Decimal(300),
         "recorded": Decimal("290.5")}])
    write_lists(con, tmp_path)
    row = rows_of(tmp_path / "lists" / "contribution_issues.csv")[0]
    assert (row["year"], row["tier"], row["expected"], row["recorded"]) == (
        "2023", "300.00", "300.00", "290.50")


@pytest.mark.parametrize("value", ["=SUM(A1)", "+8613800000000", "-1", "@x", "\tx", "\rx",
                                   "\x00x"])
def test_formula_starts_get_a_leading_apostrophe(con, tmp_path, insert, make_id, value):
    insert(con, "list_unenrolled_residents", [
        {"id_number": make_id(), "name": value, "township": "乌兰镇", "village": value,
         "reason": "unenrolled", "evidence": value, "age": 30}])
    write_lists(con, tmp_path)
    row = rows_of(tmp_path / "lists" / "unenrolled_residents.csv")[0]
    assert row["name"] == row["village"] == row["evidence"] == "'" + value
    assert row["age"] == "30"


def test_safe_text_is_left_alone_and_quoted_only_when_needed(con, tmp_path, insert, make_id):
    insert(con, "list_unenrolled_residents", [
        {"id_number": make_id(), "name": "阿依古丽·买买提", "township": "乌兰镇",
         "village": "a,b", "reason": "unenrolled", "evidence": '说"明"', "age": 20}])
    write_lists(con, tmp_path)
    line = (tmp_path / "lists" / "unenrolled_residents.csv").read_text("utf-8-sig").splitlines()[1]
    assert line == f',,{make_id()},阿依古丽·买买提,乌兰镇,"a,b",unenrolled,"说""明""",20'


def test_rows_sorted_by_township_village_id_then_the_rest(con, tmp_path, insert, make_id):
    def row(township, village, seq, reason="lapsed", age=40):
        return {"id_number": make_id("19800101", seq), "name": "某", "township": township,
                "village": village, "reason": reason, "evidence": "", "age": age,
                "last_paid_year": None, "years_missed": 1}
    insert(con, "list_lapsed_payers", [
        row("北湾镇", "b村", 1), row("乌兰镇", "a村", 2), row("北湾镇", "a村", 3),
        row("北湾镇", "a村", 1, reason="unpaid_this_year"), row("北湾镇", "a村", 1),
        row("北湾镇", None, 9)])
    write_lists(con, tmp_path)
    got = [(r["township"], r["village"], r["id_number"][14:17], r["reason"])
           for r in rows_of(tmp_path / "lists" / "lapsed_payers.csv")]
    # binary (UTF-8) order of the township text: 乌 (U+4E4C) before 北 (U+5317)
    assert got == [("乌兰镇", "a村", "002", "lapsed"),
                   ("北湾镇", "a村", "001", "lapsed"), ("北湾镇", "a村", "001", "unpaid_this_year"),
                   ("北湾镇", "a村", "003", "lapsed"), ("北湾镇", "b村", "001", "lapsed"),
                   ("北湾镇", "", "009", "lapsed")]


def test_progress_in_config_order_then_unknown(con, tmp_path, sample, config):
    write_lists(con, tmp_path, county=config.county)
    rows = rows_of(tmp_path / "progress.csv")
    assert [r["township"] for r in rows] == ["北湾镇", "乌兰镇", "未知乡镇"]
    assert rows[0] == {"township": "北湾镇", "target": "1000", "completed": "900",
                       "completed_this_week": "30", "completion_rate": "0.9000", "eligible": "1200", "insured": "1100",
                       "participation_rate": "0.9167", "gap_to_target": "76"}
    assert rows[2]["target"] == rows[2]["completion_rate"] == ""


def test_progress_without_county_puts_unknown_last(con, tmp_path, sample):
    write_lists(con, tmp_path)
    assert [r["township"] for r in rows_of(tmp_path / "progress.csv")] == [
        "乌兰镇", "北湾镇", "未知乡镇"]


def test_quarantine_sorted_whole_file_first_and_raw_escaped(con, tmp_path, sample):
    written = {w.file: w for w in write_lists(con, tmp_path)}
    rows = rows_of(tmp_path / "quarantine.csv")
    assert [(r["row"], r["reason"]) for r in rows] == [
        ("", "corrupt_file"), ("2", "invalid_id"), ("7", "bad_date")]
    assert rows[2]["raw"] == '{"死亡日期": "2022-02-30"}'
    assert written["quarantine.csv"].rows == 3


def test_reruns_are_byte_identical_and_hashes_match(con, tmp_path, sample):
    first = write_lists(con, tmp_path / "a")
    second = write_lists(con, tmp_path / "b")
    assert [(w.file, w.rows, w.sha256) for w in first] == [
        (w.file, w.rows, w.sha256) for w in second]
    for w in first:
        assert (tmp_path / "a" / w.file).read_bytes() == (tmp_path / "b" / w.file).read_bytes()
    # insertion order does not matter: the sort is total
    con.execute("create table shuffled as select * from list_deceased_accounts order by name desc")
    con.execute("drop table list_deceased_accounts")
    con.execute("alter table shuffled rename to list_deceased_accounts")
    third = {w.file: w.sha256 for w in write_lists(con, tmp_path / "c")}
    assert third["lists/deceased_accounts.csv"] == {w.file: w.sha256 for w in first}[
        "lists/deceased_accounts.csv"]


def test_row_counts_exclude_the_header(con, tmp_path, sample):
    written = {w.file: w.rows for w in write_lists(con, tmp_path)}
    assert written["lists/deceased_accounts.csv"] == 2
    assert written["lists/special_groups.csv"] == 0
    assert written["progress.csv"] == 3


def test_dates_typed_as_timestamps_still_format(con, tmp_path, insert, make_id):
    con.execute("drop table list_funeral_grants")
    con.execute("create table list_funeral_grants as select 'SZ-000001-3' as case_id, "
                "'new' as case_status, $id as id_number, '甲' as name, "
                "'乌兰镇' as township, '一村' as village, 'funeral_grant_owed' as reason, "
                "'' as evidence, timestamp '2023-01-02 00:00:00' as death_date, "
                "'health' as death_sources, 1000::decimal(18,2) as grant_amount",
                {"id": make_id()})
    write_lists(con, tmp_path)
    row = rows_of(tmp_path / "lists" / "funeral_grants.csv")[0]
    assert (row["death_date"], row["grant_amount"]) == ("2023-01-02", "1000.00")
    assert dt.date.fromisoformat(row["death_date"])


_TEXTS = st.one_of(st.none(), st.text(max_size=12),
                   st.sampled_from(["", " ", '"', ",", "\r\n", "=1+2", "-3", "\t", "a\"b", "NULL", "#",
                                   "1#2", "\\N", "\\"]))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(_TEXTS, _TEXTS, st.one_of(st.none(), st.integers(-10**6, 10**6))),
                max_size=12))
def test_copy_writes_the_bytes_csv_writer_wrote(tmp_path_factory, rows):
    """DuckDB's COPY with our SELECT gives byte for byte the csv.writer output."""
    import csv
    import io

    import duckdb

    from transforms.export.csv_lists import ENCODING, LINE_END, _write_table
    from transforms.export.formatting import select_csv_sql

    out = tmp_path_factory.mktemp("copy")
    con = duckdb.connect()
    con.execute("create table t (a varchar, b varchar, n integer)")
    if rows:
        con.executemany("insert into t values (?, ?, ?)", rows)
    cols = ("a", "b", "n")
    order = "src.a asc nulls last, src.b asc nulls last, src.n asc nulls last"
    _write_table(con, out, out / "t.csv", "t", cols, lambda c: order)
    types = {"a": "VARCHAR", "b": "VARCHAR", "n": "INTEGER"}
    reference = io.StringIO(newline="")
    writer = csv.writer(reference, lineterminator=LINE_END)
    writer.writerow(cols)
    writer.writerows(con.execute(select_csv_sql("t", cols, types, order,
                                                empty_as_null=False)).fetchall())
    assert (out / "t.csv").read_bytes() == reference.getvalue().encode(ENCODING)
