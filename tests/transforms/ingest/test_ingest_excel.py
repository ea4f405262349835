"""xlsx and legacy xls: title rows, merged cells, numbers, date serials, corrupt files."""
from __future__ import annotations

import datetime as dt

import xlsxwriter
import xlwt

from tests.transforms.ingest.conftest import make_id

ID1 = make_id(dt.date(1950, 3, 4), 11)
CERT_HEADER = ["身份证件号码", "姓名", "性别", "出生日期", "死亡日期", "死亡地点", "签发机构"]


def _xlsx(path, write):
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("死亡证明")
    write(book, sheet)
    book.close()
    return path


def test_xlsx_with_two_title_rows_and_a_merged_title(inbox, run):
    def write(book, sheet):
        sheet.merge_range(0, 0, 0, 6, "靖远县居民死亡医学证明登记表")
        sheet.write_row(1, 0, ["填报单位：县卫健局", "", "", "", "", "制表日期：2026年11月"])
        sheet.write_row(2, 0, CERT_HEADER)
        sheet.write_row(3, 0, [ID1, "王 芳", "女", "1950-03-04", "2026-10-01", "家中", "县医院"])
        sheet.write_row(4, 0, ["", "李四", "男", "19480203", "2026年10月2日", "医院", "县医院"])
    _xlsx(inbox / "health" / "death_certificates_20261120.xlsx", write)
    r = run(inbox)
    rows = r.stg("death_certificates")
    assert [(x["_row"], x["id_number"], x["id_status"], x["name"], x["death_date"])
            for x in rows] == [
        (1, ID1, "valid", "王芳", dt.date(2026, 10, 1)),
        (2, None, "missing", "李四", dt.date(2026, 10, 2)),  # no ID, name + birth date
    ]
    assert r.file("health/death_certificates_20261120.xlsx")["read"] == 2


def test_a_two_row_header_with_a_group_row_and_vertical_merges(inbox, run):
    def write(book, sheet):
        sheet.write_row(0, 0, ["靖远县城乡居民养老保险缴费明细"])
        sheet.merge_range(1, 0, 2, 0, "公民身份号码")   # vertical merges: text in the top row
        sheet.merge_range(1, 1, 2, 1, "姓名")
        sheet.merge_range(1, 2, 2, 2, "缴费年度")
        sheet.merge_range(1, 3, 1, 6, "缴费金额")       # group header over four columns
        sheet.write_row(2, 3, ["缴费档次", "个人缴费", "省级补贴", "县级补贴"])
        sheet.write_row(3, 0, [ID1, "王芳", 2026, 300, 300, 30, 10])
    _xlsx(inbox / "pension" / "contributions.xlsx", write)
    [row] = run(inbox).stg("contributions")
    assert (row["id_number"], row["year"], row["tier"], row["personal_amount"],
            row["provincial_subsidy"], row["county_subsidy"]) == (ID1, 2026, 300, 300, 30, 10)


def test_an_id_stored_as_a_number_is_rendered_as_excel_shows_it(inbox, run):
    def write(book, sheet):
        sheet.write_row(0, 0, CERT_HEADER)
        sheet.write_number(1, 0, 620421197005204004)      # stored as 6.20421197005204E+17
        sheet.write_row(1, 1, ["张三", "男", "", "2026-10-01"])
        sheet.write_number(2, 0, 6.20421197005204e17)
        sheet.write_row(2, 1, ["李四", "男", "", "2026-10-02"])
    _xlsx(inbox / "health" / "death_certificates.xlsx", write)
    rows = run(inbox).stg("death_certificates")
    # The double is 620421197005203968: never rendered from its binary value.
    assert [(x["id_number"], x["id_raw"], x["id_status"], x["id_birth_date"]) for x in rows] == [
        ("620421197005204000", "620421197005204000", "precision_lost", dt.date(1970, 5, 20))] * 2


def test_date_serials_and_date_cells(inbox, run):
    def write(book, sheet):
        date_format = book.add_format({"num_format": "yyyy-mm-dd"})
        sheet.write_row(0, 0, ["公民身份号码", "姓名", "参保身份", "参保状态", "缴费起始年月",
                               "缴费截止年月", "待遇开始年月"])
        sheet.write_row(1, 0, [ID1, "王芳", "企业职工", "终止"])
        sheet.write_number(1, 4, 44824)                              # serial: 2022-09-20
        sheet.write_datetime(1, 5, dt.datetime(2023, 5, 1), date_format)
        sheet.write_number(1, 6, 202406)                             # YYYYMM as a number
    _xlsx(inbox / "hr" / "enterprise_pension.xlsx", write)
    [row] = run(inbox).stg("enterprise_pension")
    assert (row["start_month"], row["end_month"], row["pension_start_month"]) == (
        dt.date(2022, 9, 1), dt.date(2023, 5, 1), dt.date(2024, 6, 1))


def test_numbers_elsewhere_lose_their_dot_zero(inbox, run):
    def write(book, sheet):
        sheet.write_row(0, 0, ["乡镇", "年度", "参保任务数"])
        sheet.write_row(1, 0, ["城关镇", 2026.0, 12000.0])
    _xlsx(inbox / "reference" / "township_targets.xlsx", write)
    [row] = run(inbox).stg("township_targets")
    assert (row["township"], row["year"], row["target"]) == ("乌兰镇", 2026, 12000)


def test_legacy_xls(inbox, run):
    path = inbox / "civil_affairs" / "cremations_202611.xls"
    path.parent.mkdir(parents=True)
    book = xlwt.Workbook()
    sheet = book.add_sheet("火化")
    sheet.write_merge(0, 0, 0, 5, "靖远县殡仪馆火化登记")
    for col, text in enumerate(["逝者身份证号", "逝者姓名", "性别", "死亡日期", "火化日期", "殡仪馆"]):
        sheet.write(1, col, text)
    sheet.write(2, 0, ID1)
    sheet.write(2, 1, "王芳")
    sheet.write(2, 2, "女")
    sheet.write(2, 3, dt.date(2026, 10, 1), xlwt.easyxf(num_format_str="YYYY-MM-DD"))
    sheet.write(2, 4, 46298.0)                                       # serial: 2026-10-03
    sheet.write(2, 5, "靖远县殡仪馆")
    book.save(str(path))
    r = run(inbox)
    [row] = r.stg("cremations")
    assert (row["id_number"], row["name"], row["death_date"], row["cremation_date"]) == (
        ID1, "王芳", dt.date(2026, 10, 1), dt.date(2026, 10, 3))
    assert r.file("civil_affairs/cremations_202611.xls")["extract_date"] == dt.date(2026, 11, 1)


def test_corrupt_workbooks_are_quarantined_whole(inbox, run):
    (inbox / "health").mkdir(parents=True)
    (inbox / "health" / "death_certificates.xlsx").write_bytes(b"PK\x03\x04 not a zip")
    (inbox / "health" / "family_planning.xls").write_bytes(b"\xd0\xcf\x11\xe0 broken")
    r = run(inbox)
    for name in ("health/death_certificates.xlsx", "health/family_planning.xls"):
        entry = r.file(name)
        assert (entry["status"], entry["reason"], entry["read"]) == ("quarantined",
                                                                     "corrupt_file", 0)
    reasons = {(q["file"], q["row"], q["reason"]) for q in r.quarantine()}
    assert reasons == {("health/death_certificates.xlsx", None, "corrupt_file"),
                       ("health/family_planning.xls", None, "corrupt_file")}
