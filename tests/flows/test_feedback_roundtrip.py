"""The township loop end to end (issue #9, RULES §8, CONTRACT §4): run a small county
through the real flow, fill 乌兰镇's workbook as a township would (openpyxl, then a
LibreOffice re-save when soffice is installed), import it, run a later as-of date.

The county (as of 2025-06-30), 乌兰镇 unless said:
  W1 王大山  drawing, health death certificate 2025-03-01   -> deceased + funeral grant
  W2 李秀英  drawing, health death certificate 2025-02-01   -> deceased + funeral grant
  W3 赵四海  aged 40, paid 2024, not 2025                    -> lapsed (unpaid_this_year)
  W4 钱五    drawing; a certificate without ID for 钱伍, same birth date -> review fuzzy_match
  W5 孙六    drawing; died 2025-01-10 but paid 2025-04-01    -> review alive_signal
  B1 周七    北滩镇, paid 2023 only                           -> lapsed (another township)
Answers: W1 deceased 属实 (note "=1+1"), W2 deceased 不属实, W3 已处理, W4 是, W5 否;
rejected: W1 funeral "对", B1's case on 乌兰镇's sheet, an unknown case number.
"""
from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess

import openpyxl
import pytest
from typer.testing import CliRunner

from tests.acceptance.conftest import HEADERS, pid, rows_of, write_csv
from transforms.audit import read_events
from transforms.cases.case_id import format_case_id

pytestmark = pytest.mark.e2e
DAY1, DAY2 = dt.date(2025, 6, 30), dt.date(2025, 7, 7)
ID = {"W1": pid("1940-03-15", 11), "W2": pid("1945-07-01", 22), "W3": pid("1985-05-05", 33),
      "W4": pid("1960-01-20", 45), "W5": pid("1950-02-02", 51), "B1": pid("1980-05-05", 61)}


def _ledger(key, name, birth, town, benefit="正常发放"):
    return {"个人编号": f"P{key}", "公民身份号码": ID[key], "姓名": name,
            "性别": "男" if int(ID[key][16]) % 2 else "女", "出生日期": birth,
            "乡镇（街道）": town, "村（社区）": "一村", "参保状态": "正常参保", "待遇状态": benefit,
            "参保日期": "2012-01-01", "待遇开始年月": "2010-01" if benefit == "正常发放" else "",
            "个人账户余额": "1000.00"}


def _death(key, name, birth, date, with_id=True):
    return {"身份证件号码": ID[key] if with_id else "", "姓名": name,
            "性别": "男" if int(ID[key][16]) % 2 else "女", "出生日期": birth, "死亡日期": date}


def _paid(key, name, year, date):
    return {"公民身份号码": ID[key], "姓名": name, "缴费年度": str(year), "缴费档次": "300",
            "个人缴费": "300", "省级补贴": "30", "县级补贴": "10", "政府代缴": "0",
            "缴费日期": date, "缴费渠道": "微信"}


def _inbox(base):
    inbox = base / "inbox"
    tables = {
        ("pension", "participants"): [
            _ledger("W1", "王大山", "1940-03-15", "乌兰镇"), _ledger("W2", "李秀英", "1945-07-01", "乌兰镇"),
            _ledger("W3", "赵四海", "1985-05-05", "乌兰镇", "未领取"),
            _ledger("W4", "钱五", "1960-01-20", "乌兰镇"), _ledger("W5", "孙六", "1950-02-02", "乌兰镇"),
            _ledger("B1", "周七", "1980-05-05", "北滩镇", "未领取")],
        ("health", "death_certificates"): [
            _death("W1", "王大山", "1940-03-15", "2025-03-01"),
            _death("W2", "李秀英", "1945-07-01", "2025-02-01"),
            _death("W4", "钱伍", "1960-01-20", "2025-01-05", with_id=False),
            _death("W5", "孙六", "1950-02-02", "2025-01-10")],
        ("pension", "contributions"): [
            _paid("W3", "赵四海", 2024, "2024-03-01"), _paid("W5", "孙六", 2025, "2025-04-01"),
            _paid("B1", "周七", 2023, "2023-03-01")],
        ("pension", "funeral_grants"): [],
    }
    for (source, table), rows in tables.items():
        write_csv(inbox / source / f"{table}.csv", HEADERS[table], rows_of(table, rows))
    return inbox


def _run(base, inbox, day, name):
    from flows.recon import recon_flow

    out = base / name
    recon_flow(inbox=inbox, out=out, as_of=day, warehouse=base / "w.duckdb")
    return out


def _list(out, name):
    with open(out / "lists" / f"{name}.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _case(out, name, key, reason=None):
    rows = [r for r in _list(out, name) if r["id_number"] == ID[key]
            and (reason is None or r["reason"] == reason)]
    assert len(rows) == 1, (name, key, rows)
    return rows[0]["case_id"]


def _answer(book, sheet, case_id, answer, note=None):
    ws = book[sheet]
    header = [c.value for c in ws[1]]
    col, ans = header.index("案件编号") + 1, header.index("核查结果") + 1
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, col).value == case_id:
            break
    else:  # a row the township typed in itself
        row = ws.max_row + 1
        ws.cell(row, col, case_id)
    ws.cell(row, ans, answer)
    if note is not None:
        ws.cell(row, ans + 1, note)


@pytest.fixture(scope="module")
def loop(tmp_path_factory, prefect_harness):
    from flows.cli import app

    base = tmp_path_factory.mktemp("loop")
    inbox = _inbox(base)
    day1 = _run(base, inbox, DAY1, "day1")
    cases = {"W1d": _case(day1, "deceased_accounts", "W1"),
             "W2d": _case(day1, "deceased_accounts", "W2"),
             "W1f": _case(day1, "funeral_grants", "W1"),
             "W3": _case(day1, "lapsed_payers", "W3"),
             "W4": _case(day1, "review_queue", "W4", "fuzzy_match"),
             "W5": _case(day1, "review_queue", "W5", "alive_signal_after_death"),
             "B1": _case(day1, "lapsed_payers", "B1")}
    book = openpyxl.load_workbook(day1 / "townships" / "乌兰镇.xlsx")
    _answer(book, "死亡未销户", cases["W1d"], "属实", "=1+1")
    _answer(book, "死亡未销户", cases["W2d"], "不属实", "本人健在，系同名")
    _answer(book, "应发丧葬补助金", cases["W1f"], "对")
    _answer(book, "断缴人员", cases["W3"], "已处理")
    _answer(book, "断缴人员", cases["B1"], "属实")
    _answer(book, "断缴人员", format_case_id("lapsed_payers", 999), "属实")
    _answer(book, "待人工确认", cases["W4"], "是")
    _answer(book, "待人工确认", cases["W5"], "否")
    filled = base / "returned" / "乌兰镇.xlsx"
    filled.parent.mkdir()
    book.save(filled)
    resaved = filled
    if shutil.which("soffice"):  # as a township re-saving in LibreOffice sends it back
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{base}/lo",
                        "--convert-to", "xlsx", "--outdir", str(base / "lo_out"), str(filled)],
                       check=True, capture_output=True, timeout=120)
        resaved = base / "lo_out" / "乌兰镇.xlsx"
    forged = base / "returned" / "北滩镇改.xlsx"
    other = openpyxl.load_workbook(day1 / "townships" / "北滩镇.xlsx")
    other["_recon"]["B3"] = "乌兰镇"
    other.save(forged)
    stranger = base / "returned" / "自制表.xlsx"
    openpyxl.Workbook().save(stranger)
    runner = CliRunner()
    warehouse = str(base / "w.duckdb")
    first = runner.invoke(app, ["feedback", "import", str(resaved), str(forged), str(stranger),
                                "--warehouse", warehouse])
    again = runner.invoke(app, ["feedback", "import", str(resaved), "--warehouse", warehouse])
    day2 = _run(base, inbox, DAY2, "day2")
    rerun = _run(base, inbox, DAY2, "day2_rerun")
    return {"base": base, "day2": day2, "rerun": rerun, "cases": cases, "first": first,
            "again": again, "resaved": resaved}


def test_the_import_reports_decisions_and_rejections_per_township(loop):
    first = loop["first"]
    assert first.exit_code == 2, first.output  # two files rejected whole, the rest imported
    out = first.output
    assert "乌兰镇（核查表日期2025-06-30" in out and "导入5条" in out and "拒绝3条" in out
    assert "核查结果“对”：核查结果不是本表的选项" in out
    assert f"案件编号{loop['cases']['B1']}，核查结果“属实”：不是本乡镇的案件" in out
    assert "案件编号不存在" in out
    assert "北滩镇改.xlsx：整个文件未导入——核查表系统标记校验失败" in out
    assert "自制表.xlsx：整个文件未导入——不是本系统生成的乡镇核查表" in out


def test_importing_the_same_file_twice_changes_nothing(loop):
    assert loop["again"].exit_code == 0, loop["again"].output
    assert "导入0条，此前已导入5条，拒绝3条" in loop["again"].output
    import duckdb
    con = duckdb.connect(str(loop["base"] / "w.duckdb"), read_only=True)
    rows = con.execute("select case_id, answer, note, township, sheet, decided_as_of, os_user "
                       "from case_decisions order by decision_id").fetchall()
    con.close()
    assert len(rows) == 5
    note = {r[0]: r[2] for r in rows}[loop["cases"]["W1d"]]
    assert note == "=1+1"  # the formula is text, never evaluated
    assert {r[3] for r in rows} == {"乌兰镇"} and {r[5] for r in rows} == {DAY1}


def test_the_later_run_applies_every_answer_and_nothing_else(loop):
    day2, cases = loop["day2"], loop["cases"]
    deceased = {r["case_id"]: r for r in _list(day2, "deceased_accounts")}
    assert deceased[cases["W1d"]]["case_status"] == "confirmed"           # 属实
    assert cases["W2d"] not in deceased                                   # 不属实, unchanged
    w4 = [r for r in deceased.values() if r["id_number"] == ID["W4"]]     # 是: a manual link
    assert [(r["match_method"], r["case_status"]) for r in w4] == [("manual", "new")]
    assert not [r for r in deceased.values() if r["id_number"] == ID["W5"]]  # 否: alive
    funeral = {r["case_id"]: r["case_status"] for r in _list(day2, "funeral_grants")}
    assert funeral[cases["W1f"]] == "persisting"  # the rejected "对" decided nothing
    assert funeral[_case(day2, "funeral_grants", "W2")] == "persisting"  # other list: kept
    lapsed = {r["case_id"]: r["case_status"] for r in _list(day2, "lapsed_payers")}
    assert lapsed == {cases["B1"]: "persisting"}  # W3 已处理 (grace), B1 not 乌兰镇's to decide
    assert _list(day2, "review_queue") == []


def test_a_rerun_of_the_same_as_of_date_is_byte_identical(loop):
    day2, rerun = loop["day2"], loop["rerun"]
    files = sorted(p.relative_to(day2) for p in day2.rglob("*")
                   if p.suffix in (".csv", ".xlsx"))
    assert len(files) > 10
    for name in files:
        assert (day2 / name).read_bytes() == (rerun / name).read_bytes(), name


def test_the_import_is_in_the_audit_log(loop):
    imports = [e for e in read_events(loop["base"] / "w.duckdb") if e["kind"] == "import"]
    assert len(imports) == 2
    first = imports[0]
    assert first["command"] == "recon feedback import" and first["user"]
    assert sorted(d["case_id"] for d in first["decisions"]) == sorted(
        loop["cases"][k] for k in ("W1d", "W2d", "W3", "W4", "W5"))
    reasons = sorted(d["reason"] for d in first["rejected"])
    assert reasons == ["bad_answer", "forged_stamp", "not_a_recon_workbook", "other_township",
                       "unknown_case"]
    assert {f["sha256"] for f in first["files"]} >= {
        __import__("hashlib").sha256(loop["resaved"].read_bytes()).hexdigest()}
