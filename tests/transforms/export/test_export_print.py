"""Township workbooks as a person prints and fills them: A4 landscape one page wide, the
header row on every page, the title and figures in the page header/footer, every sheet
protected but the two answer columns, the summary's cases by status and money, and the
stamp sheet (when there is one) hidden."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest

from transforms.export import labels, write_township_workbooks
from transforms.lists_schema import LISTS

AS_OF = dt.date(2024, 6, 30)


@pytest.fixture
def book(con, sample, tmp_path, config):
    write_township_workbooks(con, tmp_path, config.county, AS_OF,
                             target_rate=config.policy.target_rate)
    return openpyxl.load_workbook(tmp_path / "townships" / "乌兰镇.xlsx")


def list_sheets(book):
    return [book[labels.LIST_TITLE[n]] for n in LISTS]


def test_every_sheet_prints_landscape_one_page_wide_with_the_header_repeated(book):
    for sheet in [book[labels.SUMMARY_SHEET]] + list_sheets(book):
        setup = sheet.page_setup
        assert setup.orientation == "landscape" and setup.paperSize == 9  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert setup.fitToWidth in (None, 1) and setup.fitToHeight == 0  # None: the default 1
        assert "第 &P 页，共 &N 页" in sheet.oddFooter.right.text
    for sheet in list_sheets(book):
        assert sheet.print_title_rows == "$1:$1"
        assert sheet.oddHeader.center.text.startswith("靖远县乌兰镇城乡居民基本养老保险数据比对核查清单")
        assert "数据截止 2024-06-30" in sheet.oddHeader.right.text
        # 乌兰镇: 99 insured of 100, gap 0, 500 of 500 done
        assert sheet.oddFooter.left.text.startswith(
            "乌兰镇  参保率 99.00%  距98%目标尚差 0 人  任务完成率 100.00%")


def test_every_sheet_is_protected_without_password_but_filter_and_sort(book):
    for sheet in [book[labels.SUMMARY_SHEET]] + list_sheets(book):
        protection = sheet.protection
        assert protection.sheet and not protection.password
        assert not protection.autoFilter and not protection.sort  # False: allowed


def test_only_the_answer_columns_are_unlocked_found_by_their_header(book):
    for sheet in list_sheets(book):
        header = [c.value for c in sheet[1]]
        for j, text in enumerate(header, start=1):
            letter = sheet.cell(1, j).column_letter
            locked = sheet.column_dimensions[letter].protection.locked
            assert locked == (text not in ("核查结果", "核查说明")), (sheet.title, text)
            assert sheet.cell(1, j).protection.locked  # the header itself stays locked
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if cell.value is not None:
                    assert cell.protection.locked, (sheet.title, cell.coordinate)


def test_evidence_wraps_with_a_row_tall_enough(con, insert, make_id, tmp_path, config):
    long = "公安户籍注销（死亡）2025-05-30；民政火化记录2025-06-12；" * 4
    insert(con, "list_unenrolled_residents", [
        {"id_number": make_id(), "name": "甲", "township": "乌兰镇", "village": "一村",
         "reason": "unenrolled", "evidence": long, "age": 30}])
    write_township_workbooks(con, tmp_path, config.county, AS_OF,
                             target_rate=config.policy.target_rate)
    sheet = openpyxl.load_workbook(tmp_path / "townships" / "乌兰镇.xlsx")[
        labels.LIST_TITLE["unenrolled_residents"]]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(2, header.index("核查依据") + 1)
    assert cell.value == long and cell.alignment.wrap_text
    width = sheet.column_dimensions[cell.column_letter].width
    assert 30 <= width <= 40
    # 4 x 56 display columns over 30 a line: 8 lines of 15 points
    assert sheet.row_dimensions[2].height >= 8 * 15


def test_summary_counts_cases_by_status_and_the_money(con, insert, make_id, tmp_path, config):
    """case_status on three lists (as CONTRACT §3 has it on every list)."""
    for table in ("list_deceased_accounts", "list_funeral_grants", "list_enterprise_scheme",
                  "list_lapsed_payers"):
        con.execute(f"alter table {table} add column if not exists case_status varchar")
    insert(con, "list_deceased_accounts", [
        {"id_number": make_id(seq=k), "name": f"人{k}", "township": "北湾镇", "village": "一村",
         "reason": "deceased", "evidence": "", "overpaid_amount": Decimal(amount),
         "case_status": status}
        for k, (amount, status) in enumerate(
            [("100.50", "new"), ("200.00", "new"), ("50.00", "persisting"),
             ("0", "confirmed")], start=1)])
    insert(con, "list_funeral_grants", [
        {"id_number": make_id(seq=9), "name": "乙", "township": "北湾镇", "village": "一村",
         "reason": "funeral_grant_owed", "evidence": "", "grant_amount": Decimal(1000),
         "case_status": "reopened"}])
    insert(con, "list_enterprise_scheme", [
        {"id_number": make_id(seq=10), "name": "丙", "township": "北湾镇", "village": "一村",
         "reason": "refund_overlap", "evidence": "", "action": "refund_overlap",
         "refund_amount": Decimal("12.34"), "recover_amount": Decimal("98.00"),
         "case_status": "new"},
        {"id_number": make_id(seq=11), "name": "丁", "township": "乌兰镇", "village": "一村",
         "reason": "refund_overlap", "evidence": "", "action": "refund_overlap",
         "refund_amount": Decimal("1.00"), "case_status": "new"}])
    write_township_workbooks(con, tmp_path, config.county, AS_OF,
                             target_rate=config.policy.target_rate)
    book = openpyxl.load_workbook(tmp_path / "townships" / "北湾镇.xlsx")
    rows = {r[0]: r for r in book[labels.SUMMARY_SHEET].iter_rows(values_only=True) if r[0]}
    header = rows["清单（工作表）"]
    assert header[2:7] == ("条数", "新增", "持续", "已核实", "重新列入")
    assert rows["死亡未销户"][2:7] == (4, 2, 1, 1, 0)
    assert rows["应发丧葬补助金"][2:7] == (1, 0, 0, 0, 1)
    assert rows["城乡居民与企业职工重复参保"][2:7] == (1, 1, 0, 0, 0)
    assert rows["断缴人员"][2:7] == (0, 0, 0, 0, 0)  # a list with case_status, no rows here
    review_has_status = con.execute(
        "select count(*) from information_schema.columns "
        "where table_name = 'review_queue' and column_name = 'case_status'").fetchone()[0]
    assert rows["待人工确认"][2:7] == ((0, 0, 0, 0, 0) if review_has_status
                                  else (0, "—", "—", "—", "—"))  # a list without case_status
    assert rows["合计"][2:7] == (6, 3, 1, 1, 1)  # 丁 is 乌兰镇's
    assert rows["死亡后多发待遇（应追回）"][2] == pytest.approx(350.50)
    money = {r[0]: r[2] for r in book[labels.SUMMARY_SHEET].iter_rows(values_only=True)
             if r[1] in labels.LIST_TITLE.values() and r[0] in labels.MONEY_AT_STAKE.values()}
    assert money == {"死亡后多发待遇（应追回）": pytest.approx(350.5), "应发未发丧葬补助金": 1000,
                     "重复参保应清退个人缴费": pytest.approx(12.34),
                     "重复领取应追回基础养老金": 98}


def test_summary_has_a_native_chart_of_progress_against_the_target(book):
    (chart,) = book[labels.SUMMARY_SHEET]._charts
    assert chart.tagname == "barChart"
    rows = {r[2]: r for r in book[labels.SUMMARY_SHEET].iter_rows(values_only=True) if r[2]}
    assert rows["任务完成率"][3:5] == (1.0, pytest.approx(0.98))
    assert rows["参保率"][3:5] == (pytest.approx(0.99), pytest.approx(0.98))


def test_the_stamp_sheet_when_there_is_one_is_very_hidden(book):
    for sheet in book.worksheets:
        if sheet.title.startswith("_"):
            assert sheet.sheet_state == "veryHidden"
        else:
            assert sheet.sheet_state == "visible"
