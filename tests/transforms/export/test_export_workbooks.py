"""write_township_workbooks: townships/<乡镇>.xlsx (CONTRACT §3 Township workbooks)."""
from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from transforms.export import labels, write_township_workbooks
from transforms.lists_schema import LISTS, columns

AS_OF = dt.date(2024, 6, 30)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\x00")


@pytest.fixture
def write(con, tmp_path, config):
    def run(out=None, **kwargs):
        return write_township_workbooks(con, out or tmp_path, config.county, AS_OF,
                                        target_rate=config.policy.target_rate, **kwargs)
    return run


def sheet_rows(path, title):
    book = openpyxl.load_workbook(path)
    return list(book[title].iter_rows(values_only=True))


def test_one_workbook_per_configured_township_plus_unknown_when_needed(write, sample, config,
                                                                       tmp_path):
    written = write()
    names = [t.name for t in config.county.townships]
    assert [w.file for w in written] == [f"townships/{n}.xlsx" for n in names + ["未知乡镇"]]
    assert {w.file: w.rows for w in written if w.rows} == {
        "townships/乌兰镇.xlsx": 2, "townships/北湾镇.xlsx": 2, "townships/未知乡镇.xlsx": 1}


def test_no_unknown_workbook_without_unknown_rows_and_stale_ones_removed(write, con, sample,
                                                                        tmp_path):
    write()
    assert (tmp_path / "townships" / "未知乡镇.xlsx").exists()
    con.execute("delete from list_unenrolled_residents where township = '未知乡镇'")
    written = write()
    assert len(written) == 18
    assert not (tmp_path / "townships" / "未知乡镇.xlsx").exists()


def test_a_township_not_configured_goes_to_the_unknown_workbook(write, con, insert, make_id,
                                                                 tmp_path):
    insert(con, "list_unenrolled_residents", [
        {"id_number": make_id(seq=7), "name": "甲", "township": "城关镇", "village": "一村",
         "reason": "unenrolled", "evidence": "", "age": 30},
        {"id_number": make_id(seq=8), "name": "乙", "township": None, "village": None,
         "reason": "unenrolled", "evidence": "", "age": 31}])
    written = {w.file: w.rows for w in write(mask_ids=False)}
    assert written["townships/未知乡镇.xlsx"] == 2
    assert "townships/城关镇.xlsx" not in written
    rows = sheet_rows(tmp_path / "townships" / "未知乡镇.xlsx",
                      labels.LIST_TITLE["unenrolled_residents"])
    assert [r[3] for r in rows[1:]] == ["甲", "乙"]


def test_a_workbook_holds_only_its_townships_rows(write, sample, tmp_path):
    write(mask_ids=False)
    path = tmp_path / "townships" / "北湾镇.xlsx"
    lapsed = sheet_rows(path, labels.LIST_TITLE["lapsed_payers"])
    review = sheet_rows(path, labels.LIST_TITLE["review_queue"])
    assert [r[2] for r in lapsed[1:]] == [sample["lapsed"]]
    assert [r[2] for r in review[1:]] == [sample["review"]]
    assert len(sheet_rows(path, labels.LIST_TITLE["deceased_accounts"])) == 1  # header only
    unknown = tmp_path / "townships" / "未知乡镇.xlsx"
    assert [r[2] for r in sheet_rows(unknown, labels.LIST_TITLE["unenrolled_residents"])[1:]] \
        == [sample["unknown"]]


def test_chinese_headers_check_columns_validation_freeze_and_filter(write, sample, tmp_path):
    write()
    book = openpyxl.load_workbook(tmp_path / "townships" / "乌兰镇.xlsx")
    assert book.sheetnames == ([labels.SUMMARY_SHEET] + [labels.LIST_TITLE[n] for n in LISTS]
                               + ["_recon"])
    assert book["_recon"].sheet_state == "veryHidden"
    for name in LISTS:
        sheet = book[labels.LIST_TITLE[name]]
        header = [c.value for c in sheet[1]]
        assert header == [labels.COLUMN[c] for c in columns(name)] + ["核查结果", "核查说明"]
        assert sheet.freeze_panes == "A2"
        last = sheet.max_row
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}{last}"
        (validation,) = sheet.data_validations.dataValidation
        assert validation.type == "list"
        assert validation.formula1 == ('"是,否"' if name == "review_queue"
                                       else '"属实,不属实,已处理"')
        column = sheet.cell(1, len(header) - 1).column_letter
        for row in range(2, max(last, 2) + 1):
            assert f"{column}{row}" in validation.sqref
        assert f"{column}1" not in validation.sqref
    deceased = book[labels.LIST_TITLE["deceased_accounts"]]
    assert deceased.max_row == 3
    assert all(c.value is None for c in deceased["R"][1:])  # 核查结果 left empty
    assert deceased.column_dimensions["C"].width > 18  # the ID column


@pytest.mark.parametrize("value", ["=SUM(A1)", "+8613800000000", "-1", "@x", "\tx", "\x00x",
                                   "=HYPERLINK(\"http://x\")"])
def test_formula_starts_are_text_with_an_apostrophe(write, con, insert, make_id, tmp_path,
                                                    value):
    insert(con, "list_unenrolled_residents", [
        {"id_number": make_id(), "name": value, "township": "乌兰镇", "village": value,
         "reason": "unenrolled", "evidence": value, "age": 30}])
    write()
    book = openpyxl.load_workbook(tmp_path / "townships" / "乌兰镇.xlsx")
    row = book[labels.LIST_TITLE["unenrolled_residents"]][2]
    for cell in (row[3], row[5], row[7]):
        assert cell.data_type == "s"
        # xlsxwriter stores control characters as _xHHHH_ (Excel decodes them; openpyxl not)
        assert cell.value == "'" + value.replace("\x00", "_x0000_")
    with zipfile.ZipFile(tmp_path / "townships" / "乌兰镇.xlsx") as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in archive.read(n) for n in sheets)  # no formula anywhere


def test_no_cell_in_any_workbook_starts_with_a_formula_character(write, sample, tmp_path):
    write()
    for path in (tmp_path / "townships").glob("*.xlsx"):
        for sheet in openpyxl.load_workbook(path).worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str):
                        assert cell.data_type == "s"
                        assert not cell.value.startswith(FORMULA_STARTS), (path, cell.value)


def test_ids_masked_by_default_also_inside_evidence(write, sample, tmp_path):
    write()
    rows = sheet_rows(tmp_path / "townships" / "乌兰镇.xlsx",
                      labels.LIST_TITLE["deceased_accounts"])
    by_name = {r[3]: r for r in rows[1:]}
    dead_b = sample["dead_b"]
    assert by_name["王二"][2] == dead_b[:6] + "********" + dead_b[-4:]
    assert dead_b not in by_name["王二"][7]
    assert dead_b[:6] + "********" + dead_b[-4:] in by_name["王二"][7]


def test_ids_in_full_when_told(write, sample, tmp_path):
    write(mask_ids=False)
    rows = sheet_rows(tmp_path / "townships" / "乌兰镇.xlsx",
                      labels.LIST_TITLE["deceased_accounts"])
    by_name = {r[3]: r for r in rows[1:]}
    assert by_name["王二"][2] == sample["dead_b"]
    assert sample["dead_b"] in by_name["王二"][7]


def test_values_codes_in_chinese_money_numbers_dates_text(write, sample, tmp_path):
    write()
    book = openpyxl.load_workbook(tmp_path / "townships" / "乌兰镇.xlsx")
    sheet = book[labels.LIST_TITLE["deceased_accounts"]]
    header = [c.value for c in sheet[1]]
    row = {h: c for h, c in zip(header, sheet[3])}  # 王二, 西关村 sorts after 东关村
    assert row["姓名"].value == "王二"
    assert row["原因"].value == "已死亡未销户"
    assert row["死亡信息来源"].value == "卫生健康、公安户籍"
    assert row["比对方式"].value == "身份证号码一致"
    assert row["死亡日期"].value == "2023-03-05"
    assert row["最后发放年月"].value == "2024-05"
    assert row["死亡日期是否冲突"].value == "否"
    assert row["多发金额（元）"].value == 1722
    assert row["多发金额（元）"].number_format == "0.00"
    assert row["个人账户余额（元）"].value == -5.5  # a number, not escaped text
    assert row["多发月数"].value == 14


def test_summary_counts_and_progress_against_target(write, sample, tmp_path, config):
    write()
    rows = sheet_rows(tmp_path / "townships" / "北湾镇.xlsx", labels.SUMMARY_SHEET)
    table = {r[0]: r for r in rows if r[0]}
    assert table[labels.LIST_TITLE["lapsed_payers"]][2] == 1
    assert table[labels.LIST_TITLE["review_queue"]][2] == 1
    assert table[labels.LIST_TITLE["deceased_accounts"]][2] == 0
    assert table["合计"][2] == 2
    assert table["目标参保率"][1] == pytest.approx(float(config.policy.target_rate))
    assert table["参保率"][1] == pytest.approx(0.9167)
    assert table["距98%目标尚差人数"][1] == 76
    assert table["是否达到目标"][1] == "否"
    assert rows[0][0] == "靖远县北湾镇城乡居民基本养老保险数据比对核查清单"
    empty = {r[0]: r for r in sheet_rows(tmp_path / "townships" / "东湾镇.xlsx",
                                         labels.SUMMARY_SHEET) if r[0]}
    assert empty["本乡镇进度"][1] == "无数据"


def test_target_rate_comes_from_the_argument(con, sample, tmp_path, config):
    write_township_workbooks(con, tmp_path, config.county, AS_OF, target_rate=Decimal("0.975"))
    rows = sheet_rows(tmp_path / "townships" / "北湾镇.xlsx", labels.SUMMARY_SHEET)
    table = {r[0]: r for r in rows if r[0]}
    assert table["目标参保率"][1] == pytest.approx(0.975)
    assert "距97.5%目标尚差人数" in table


def test_a_missing_list_table_gives_header_only_sheets_and_a_note(write, con, sample, tmp_path):
    con.execute("drop table list_special_groups")
    written = write()
    assert all("list_special_groups" in w.note for w in written)
    book = openpyxl.load_workbook(tmp_path / "townships" / "乌兰镇.xlsx")
    assert book[labels.LIST_TITLE["special_groups"]].max_row == 1
    summary = {r[0]: r for r in book[labels.SUMMARY_SHEET].iter_rows(values_only=True) if r[0]}
    assert summary[labels.LIST_TITLE["special_groups"]][2] == "未生成（数据缺失）"


def test_reruns_are_byte_identical(write, sample, tmp_path):
    first = write(tmp_path / "a")
    second = write(tmp_path / "b")
    assert [(w.file, w.rows, w.sha256) for w in first] == [
        (w.file, w.rows, w.sha256) for w in second]
    for w in first:
        assert (tmp_path / "a" / w.file).read_bytes() == (tmp_path / "b" / w.file).read_bytes()
    props = openpyxl.load_workbook(tmp_path / "a" / "townships" / "乌兰镇.xlsx").properties
    assert props.created == dt.datetime(2024, 6, 30)
