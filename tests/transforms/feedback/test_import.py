"""recon feedback import, one file at a time: where the answers are found, what is
refused before opening, and how each row is judged (CONTRACT §4)."""
from __future__ import annotations

import datetime as dt

import duckdb
import openpyxl
import pytest

from transforms.cases import ensure_registry, format_case_id
from transforms.export.stamp import stamp_rows, warehouse_secret
from transforms.feedback import import_file

DAY = dt.date(2025, 6, 30)
DEAD = format_case_id("deceased_accounts", 1)
REVIEW = format_case_id("review_queue", 1)
LIMITS = {"max_file_bytes": 1_000_000, "max_unzipped_bytes": 10_000_000}


@pytest.fixture
def con():
    con = duckdb.connect()
    ensure_registry(con)
    for case_id, name in ((DEAD, "deceased_accounts"), (REVIEW, "review_queue")):
        con.execute("insert into cases values ($c, $l, 'k' || $c, 1, $d)",
                    {"c": case_id, "l": name, "d": DAY})
        con.execute("insert into case_listings values ($c, $d, true, 'new', '乌兰镇', [])",
                    {"c": case_id, "d": DAY})
    return con


def _book(con, path, rows, header=("核查说明", "姓名", "案件编号", "核查结果"), title=True,
          township="乌兰镇", sheet="死亡未销户"):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    if title:  # a township inserted a title row above the header
        ws.append(["乌兰镇死亡未销户核查（已核实）"])
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    stamp = book.create_sheet("_recon")
    for key, value in stamp_rows(warehouse_secret(con), township, "620421100", DAY):
        stamp.append([key, value])
    stamp.sheet_state = "veryHidden"
    book.save(path)
    return path


def test_columns_are_found_by_header_text_below_a_title_row(con, tmp_path):
    path = _book(con, tmp_path / "a.xlsx", [["=A1", "张三", DEAD.lower(), " 属实 "]],
                 header=("核查说明", "姓名", "案件编号", "核查结果\n（请选择）"))
    result = import_file(con, path, **LIMITS)
    assert result.rejected == [] and len(result.decided) == 1
    assert con.execute("select case_id, answer, note, sheet, \"row\", decided_as_of "
                       "from case_decisions").fetchall() == [
        (DEAD, "属实", "=A1", "死亡未销户", 3, DAY)]  # the formula note is text


def test_each_bad_row_is_rejected_with_its_reason_and_the_rest_imported(con, tmp_path):
    path = _book(con, tmp_path / "b.xlsx", [
        [None, "甲", DEAD, '=IF(1,"属实")'],      # a formula is not an answer
        [None, "乙", REVIEW, "属实"],              # a review case on a list sheet
        [None, "丙", "SW-000002-0", "属实"],       # check digit wrong: unknown
        [None, "丁", DEAD, "不属实"],
        [None, "戊", None, None]])                 # not answered: nothing
    result = import_file(con, path, **LIMITS)
    assert [(r["row"], r["reason"]) for r in result.rejected] == [
        (3, "bad_answer"), (4, "wrong_sheet"), (5, "unknown_case")]
    assert [(d["row"], d["answer"]) for d in result.decided] == [(6, "不属实")]


def test_the_workbooks_township_is_the_stamps_not_the_file_name(con, tmp_path):
    path = _book(con, tmp_path / "乌兰镇.xlsx", [[None, "甲", DEAD, "属实"]],
                 township="北滩镇")
    result = import_file(con, path, **LIMITS)
    assert result.township == "北滩镇"
    assert [r["reason"] for r in result.rejected] == ["other_township"]


@pytest.mark.parametrize("limits, code", [
    ({"max_file_bytes": 100, "max_unzipped_bytes": 10_000_000}, "too_big"),
    ({"max_file_bytes": 1_000_000, "max_unzipped_bytes": 1_000}, "zip_bomb")])
def test_limits_are_checked_before_the_file_is_opened(con, tmp_path, limits, code):
    path = _book(con, tmp_path / "c.xlsx", [[None, "甲", DEAD, "属实"]])
    result = import_file(con, path, **limits)
    assert result.rejected_whole[0] == code and result.decided == []


def test_files_that_are_no_workbook_of_ours_are_rejected_whole(con, tmp_path):
    text = tmp_path / "d.xlsx"
    text.write_text("案件编号,核查结果\n", encoding="utf-8")
    good = _book(con, tmp_path / "e.xlsx", [[None, "甲", DEAD, "属实"]])
    broken = tmp_path / "f.xlsx"
    broken.write_bytes(good.read_bytes()[:2000])
    bare = tmp_path / "g.xlsx"
    openpyxl.Workbook().save(bare)
    codes = [import_file(con, p, **LIMITS).rejected_whole[0] for p in (text, broken, bare)]
    assert codes == ["not_xlsx", "unreadable", "not_a_recon_workbook"]
    assert con.execute("select count(*) from case_decisions").fetchone() == (0,)
