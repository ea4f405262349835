"""The written files against CONTRACT §3, read back as a county officer's tools read them:
exact headers, value formats, order, formula escaping, masked workbooks, the manifest.
Checked on both acceptance runs (the hand-made county and the messy inbox).
"""
from __future__ import annotations

import csv
import hashlib
import re

import pytest

from tests.acceptance.conftest import HEADERS

# CONTRACT §1 "Tables and their headers today", typed from the contract.
CONTRACT_HEADERS = {
    "participants": "个人编号 公民身份号码 姓名 性别 出生日期 乡镇（街道） 村（社区） 参保状态 待遇状态 "
                    "参保日期 待遇开始年月 月养老金 个人账户余额 代缴类别",
    "contributions": "公民身份号码 姓名 缴费年度 缴费档次 个人缴费 省级补贴 县级补贴 政府代缴 缴费日期 缴费渠道",
    "benefit_payments": "公民身份号码 姓名 发放年月 发放金额 其中基础养老金",
    "funeral_grants": "公民身份号码 姓名 发放日期 发放金额",
    "household_registry": "公民身份号码 姓名 性别 出生日期 民族 乡镇（街道） 村（社区） 户口状态 注销原因 注销日期",
    "cremations": "逝者身份证号 逝者姓名 性别 死亡日期 火化日期 殡仪馆",
    "assistance": "身份证号码 姓名 救助类别 乡镇 开始年月 结束年月",
    "death_certificates": "身份证件号码 姓名 性别 出生日期 死亡日期 死亡地点 签发机构",
    "family_planning": "身份证号 姓名 类别 乡镇",
    "enrollment": "公民身份号码 姓名 险种 参保状态 终止原因 终止日期 单位名称 最近结算日期",
    "enterprise_pension": "公民身份号码 姓名 参保身份 参保状态 缴费起始年月 缴费截止年月 待遇开始年月 单位名称",
    "poverty_monitoring": "身份证号码 姓名 人口类别 乡镇",
    "township_targets": "乡镇 年度 参保任务数",
}

# CONTRACT §3: every list's columns in order.
COMMON = ["case_id", "case_status", "id_number", "name", "township", "village", "reason",
          "evidence"]
CONTRACT_COLUMNS = {
    "deceased_accounts": COMMON + ["death_date", "death_sources", "match_method",
                                   "benefit_status", "last_paid_month", "months_overpaid",
                                   "overpaid_amount", "account_balance", "date_conflict"],
    "funeral_grants": COMMON + ["death_date", "death_sources", "grant_amount"],
    "lapsed_payers": COMMON + ["age", "last_paid_year", "years_missed"],
    "enterprise_scheme": COMMON + ["action", "enterprise_identity", "enterprise_start",
                                   "enterprise_end", "overlap_months", "refund_amount",
                                   "recover_amount"],
    "special_groups": COMMON + ["category", "year"],
    "contribution_issues": COMMON + ["year", "tier", "issue", "expected", "recorded"],
    "unenrolled_residents": COMMON + ["age"],
    "review_queue": COMMON + ["source", "source_id_number", "source_name", "score"],
}
PROGRESS_COLUMNS = ["township", "target", "completed", "completed_this_week", "completion_rate",
                    "eligible", "insured", "participation_rate", "gap_to_target"]
QUARANTINE_COLUMNS = ["source", "table", "file", "row", "reason", "raw"]

# RULES.md: the reason codes of each list.
REASONS = {
    "deceased_accounts": {"deceased"},
    "funeral_grants": {"funeral_grant_owed"},
    "lapsed_payers": {"lapsed", "unpaid_this_year"},
    "enterprise_scheme": {"seal", "refund_overlap", "terminate_dual_pension", "candidate"},
    "special_groups": {"not_enrolled", "not_paid_by_county", "county_paid_not_eligible",
                       "ledger_category_unsupported"},
    "contribution_issues": {"invalid_tier", "tier_100_not_eligible", "amount_mismatch",
                            "provincial_subsidy_mismatch", "county_subsidy_mismatch"},
    "unenrolled_residents": {"unenrolled"},
    "review_queue": {"fuzzy_match", "id_name_mismatch", "alive_signal_after_death",
                     "id_repaired"},
}

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONTH = re.compile(r"^\d{4}-\d{2}$")
MONEY = re.compile(r"^-?\d+\.\d{2}$")
INTEGER = re.compile(r"^-?\d+$")
RATE = re.compile(r"^\d\.\d{4}$")
ID18 = re.compile(r"^\d{17}[\dX]$")
FORMATS = {
    "death_date": DATE, "last_paid_month": MONTH, "enterprise_start": MONTH,
    "enterprise_end": MONTH, "months_overpaid": INTEGER, "age": INTEGER,
    "last_paid_year": INTEGER, "years_missed": INTEGER, "overlap_months": INTEGER,
    "year": INTEGER, "score": RATE, "id_number": ID18,
    **{m: MONEY for m in ("overpaid_amount", "account_balance", "grant_amount", "refund_amount",
                          "recover_amount", "tier", "expected", "recorded")},
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(params=["county", "messy"], scope="module")
def run(request):
    return request.getfixturevalue(f"{request.param}_run")


def test_config_headers_are_the_contract_headers_today():
    assert {t: " ".join(h) for t, h in HEADERS.items()} == CONTRACT_HEADERS


def test_list_headers_are_exactly_the_contract_columns(run):
    for name, wanted in CONTRACT_COLUMNS.items():
        assert run.header(f"lists/{name}.csv") == wanted, name
    assert run.header("progress.csv") == PROGRESS_COLUMNS
    assert run.header("quarantine.csv") == QUARANTINE_COLUMNS


def test_values_have_the_contract_formats(run):
    for name in CONTRACT_COLUMNS:
        for row in run.list(name):
            assert row["reason"] in REASONS[name], (name, row["reason"])
            assert row["evidence"] and re.search(r"[\u4e00-\u9fff]", row["evidence"])
            for column, pattern in FORMATS.items():
                if column in row and row[column] != "":
                    assert pattern.match(row[column]), (name, column, row[column])
            if name == "deceased_accounts":
                assert row["date_conflict"] in ("true", "false")
                assert row["match_method"] in ("id", "id15", "id_repaired", "name_dob")
                sources = row["death_sources"].split("|")
                assert sources == sorted(set(sources)) and set(sources) <= {
                    "public_security", "civil_affairs", "health", "medical_insurance"}
            if name == "review_queue":
                assert row["source"] in ("public_security", "civil_affairs", "health",
                                         "medical_insurance", "hr", "rural_revitalization",
                                         "pension")
            if name == "contribution_issues":
                assert row["issue"] == row["reason"]
            if name == "enterprise_scheme":
                assert row["action"] == row["reason"]
    for row in run.progress:
        for column in ("target", "completed", "eligible", "insured", "gap_to_target"):
            assert row[column] == "" or INTEGER.match(row[column]), (column, row)
        for column in ("completion_rate", "participation_rate"):
            assert row[column] == "" or RATE.match(row[column]), (column, row)


def _blank_last(value: str) -> tuple:
    # The order an officer gets from Excel's sort, and SQL's NULLS LAST: blanks last.
    return (value == "", value)


def test_rows_are_sorted_by_township_village_id(run):
    for name in CONTRACT_COLUMNS:
        keys = [tuple(_blank_last(r[c]) for c in ("township", "village", "id_number"))
                for r in run.list(name)]
        assert keys == sorted(keys), name


def test_no_csv_text_can_run_as_a_formula(run):
    files = [run.out / "lists" / f"{n}.csv" for n in CONTRACT_COLUMNS]
    files += [run.out / "progress.csv", run.out / "quarantine.csv"]
    for path in files:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    if cell.startswith(FORMULA_STARTS):
                        assert MONEY.match(cell) or INTEGER.match(cell), (path.name, cell)


def test_manifest_lists_every_output_with_its_hash(run):
    manifest = run.manifest
    assert set(manifest) >= {"as_of", "version", "inputs", "skipped_checks", "outputs",
                             "timings"}
    assert manifest["as_of"] == "2025-06-30"
    listed = {o["file"]: o for o in manifest["outputs"]}
    wanted = {f"lists/{n}.csv" for n in CONTRACT_COLUMNS} | {
        "progress.csv", "progress.xlsx", "county.xlsx", "quarantine.csv", "report.html"} | {
        p.relative_to(run.out).as_posix() for p in (run.out / "townships").glob("*.xlsx")}
    assert wanted <= set(listed)
    for file, entry in listed.items():
        path = run.out / file
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"], file
        if file.endswith(".csv"):
            with open(path, encoding="utf-8-sig", newline="") as handle:
                assert entry["rows"] == sum(1 for _ in csv.reader(handle)) - 1, file
    for entry in manifest["inputs"]:
        assert {"file", "source", "table", "sha256", "extract_date", "read", "accepted",
                "quarantined", "duplicates"} <= set(entry)


def test_township_workbooks(messy_run):
    from openpyxl import load_workbook

    book = load_workbook(messy_run.out / "townships" / "北湾镇.xlsx")
    sheets = book.worksheets
    assert len(sheets) == 2 + len(CONTRACT_COLUMNS)  # a summary, a sheet per list, the stamp
    assert sheets[-1].title == "_recon" and sheets[-1].sheet_state == "veryHidden"
    lapsed_rows = 0
    for sheet in sheets[1:-1]:
        header = [c.value for c in sheet[1]]
        assert all(re.search(r"[\u4e00-\u9fff]", h) for h in header), header
        assert header[:2] == ["案件编号", "本次状态"]
        assert header[-2:] == ["核查结果", "核查说明"]
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
        choices = [dv.formula1 for dv in sheet.data_validations.dataValidation]
        review = sheet.title == "待人工确认"
        assert choices == ['"是,否"' if review else '"属实,不属实,已处理"'], sheet.title
        for row in sheet.iter_rows(min_row=2, values_only=True):
            if row[0] is None:
                continue
            assert re.fullmatch(r"[A-Z]{2}-\d{6}-\d", row[0]), row[0]      # 案件编号
            assert row[1] in ("新增", "持续", "已核实", "重新列入"), row[1]
            assert re.fullmatch(r"\d{6}\*{8}[\dX]{4}", row[2]), row[2]   # masked 6 + 4
            assert row[4] == "北湾镇"                                    # this township only
            for cell in row:
                if isinstance(cell, str):
                    assert not cell.startswith(FORMULA_STARTS + ("\x00",)), cell
                    assert not re.search(r"\d{17}[\dX]", cell), cell   # no full ID anywhere
            if "'=1+1" in row or "'-张三" in row:
                lapsed_rows += 1
    assert lapsed_rows == 2  # the two formula names, written as text with the apostrophe
