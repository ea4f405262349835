"""write_report: report.html in Chinese, self-contained."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from transforms.export import write_lists, write_report
from transforms.export.report import progress_total

AS_OF = dt.date(2024, 6, 30)


@pytest.fixture
def render(con, tmp_path, config):
    def run(run_info=None):
        entry = write_report(con, tmp_path, config.county, AS_OF,
                             run_info or {"version": "0.1.0", "inbox": "data/inbox"},
                             target_rate=config.policy.target_rate)
        return entry, (tmp_path / "report.html").read_text(encoding="utf-8")
    return run


def cells(html: str, first: str) -> list[str]:
    """The cell texts of the table row whose first cell is ``first``."""
    match = re.search(rf"<tr[^>]*>\s*<td>{first}</td>(.*?)</tr>", html, re.DOTALL)
    assert match, first
    return re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.DOTALL)


def test_report_renders_the_run_in_chinese(render, sample):
    entry, html = render()
    assert entry.file == "report.html" and entry.rows == 0 and len(entry.sha256) == 64
    assert "<title>靖远县城乡居民基本养老保险数据比对报告（2024-06-30）</title>" in html
    assert "<tr><th>版本</th><td>0.1.0</td></tr>" in html
    assert "<tr><th>读入行数</th><td class=\"n\">15</td></tr>" in html
    assert ("health/death_certificates_20240101.csv</code>（提取日期 2024-01-01，距今 181 天）"
            "：<span class=\"bad\">数据过期</span>") in html
    assert "乡村振兴局本次未报送数据" in html
    assert "日期无效（bad_date）" in html
    assert "隔离数据（共 3 条）" in html


def test_counts_per_list_per_township_and_totals(render, sample):
    _, html = render()
    # 死亡未销户, 应发丧葬补助金, 断缴, 重复参保, 代缴, 缴费异常, 未参保, 待人工确认, 合计
    # (a 其中新增 column follows once the lists carry case_status)
    assert cells(html, "北湾镇")[:9] == ["0", "0", "1", "0", "0", "0", "0", "1", "2"]
    assert cells(html, "未知乡镇")[6] == "1"
    assert cells(html, "合计")[8] == "5"


def test_progress_against_the_configured_target(render, sample):
    _, html = render()
    assert "参保进度（目标参保率 98%）" in html
    row = re.search(r"<td>北湾镇</td><td class=\"n\">1000</td>(.*?)</tr>", html, re.DOTALL)
    assert re.findall(r">([^<]*)</td>", row.group(1)) == [
        "900", "30", "90.00%", "1200", "1100", "91.67%", "76"]
    # the county row from the totals: ceil(0.98 x 1305 = 1278.9) - 1201 = 78, not 76 + 3 + 0
    total = re.search(r"<td>全县合计</td>(.*?)</tr>", html, re.DOTALL)
    assert re.findall(r">([^<]*)</td>", total.group(1)) == [
        "1500", "1403", "31", "93.53%", "1305", "1201", "92.03%", "78"]


def test_progress_total_sums_and_rates():
    rows = [{"township": "a", "target": 100, "completed": 50, "eligible": 200, "insured": 150,
             "gap_to_target": 46, "completion_rate": None, "participation_rate": None},
            {"township": "b", "target": None, "completed": 10, "eligible": 100, "insured": 100,
             "gap_to_target": 0, "completion_rate": None, "participation_rate": None}]
    total = progress_total(rows, Decimal("0.98"))
    # ceil(0.98 x 300) - 250 = 44: b's surplus offsets a's shortfall at county level
    assert (total["target"], total["completed"], total["eligible"], total["insured"],
            total["gap_to_target"]) == (100, 60, 300, 250, 44)
    assert total["completion_rate"] == Decimal("0.6000")
    assert total["participation_rate"] == Decimal("0.8333")
    assert progress_total(rows)["gap_to_target"] == 46  # no target rate: the gaps added up
    assert progress_total([]) is None


def test_the_county_rate_never_reads_as_the_target_while_a_gap_remains(render, con, insert):
    """19599 of 20000: 0.97995 would round half up to 98.00%; the gap is 1, so 97.99%."""
    con.execute("delete from progress")
    insert(con, "progress", [
        {"township": "北湾镇", "eligible": 10000, "insured": 9800, "gap_to_target": 0,
         "participation_rate": Decimal("0.9800")},
        {"township": "东湾镇", "eligible": 10000, "insured": 9799, "gap_to_target": 1,
         "participation_rate": Decimal("0.9799")}])
    _, html = render()
    total = re.search(r"<td>全县合计</td>(.*?)</tr>", html, re.DOTALL)
    values = re.findall(r">([^<]*)</td>", total.group(1))
    assert values[-2:] == ["97.99%", "1"]
    assert "全县参保率 <strong>97.99%</strong>，距98%目标尚差 <strong>1</strong> 人" in html


def test_opens_with_a_headline_of_cases_and_money_then_charts(render, con, sample, insert,
                                                              make_id):
    insert(con, "list_funeral_grants", [
        {"id_number": make_id(seq=9), "name": "丙", "township": "北湾镇", "village": "一村",
         "reason": "funeral_grant_owed", "evidence": "", "grant_amount": Decimal("1000.00")}])
    insert(con, "list_enterprise_scheme", [
        {"id_number": make_id(seq=10), "name": "丁", "township": "乌兰镇", "village": "一村",
         "reason": "refund_overlap", "evidence": "", "action": "refund_overlap",
         "refund_amount": Decimal("250.50"), "recover_amount": None}])
    _, html = render()
    body = html[html.index("<body>"):]
    headline = re.search(r'<p class="headline">(.*?)</p>', body, re.DOTALL).group(1)
    assert body.index('class="headline"') < body.index("<h2>")  # the first thing after h1
    # 2 deceased + 1 lapsed + 1 unenrolled + 1 review + the two just added = 7
    assert "共列出待核查案件 <strong>7</strong> 件" in headline
    assert "死亡后多发待遇（应追回） <strong>1,722.00</strong> 元" in headline
    assert "应发未发丧葬补助金 <strong>1,000.00</strong> 元" in headline
    assert "重复参保应清退个人缴费 <strong>250.50</strong> 元" in headline
    assert "重复领取应追回基础养老金 <strong>0.00</strong> 元" in headline
    # the sample's rows carry no case_status value: nothing is new
    assert "新增" not in headline or "新增 <strong>0</strong> 件" in headline
    charts = re.findall(r"<svg .*?</svg>", body, re.DOTALL)
    assert len(charts) == 3  # cases per township, participation, completion (no match_links)
    assert "各乡镇待核查案件数" in charts[0] and "目标 98%" in charts[1]
    assert body.index("<svg") < body.index("六、输入文件与运行情况")
    assert "http" not in html and "<script" not in html


def test_new_cases_from_case_status_and_match_methods_chart(render, con, sample):
    con.execute("alter table list_lapsed_payers add column if not exists case_status varchar")
    con.execute("update list_lapsed_payers set case_status = 'new'")
    con.execute("create table match_links (method varchar)")
    con.execute("insert into match_links values ('id'), ('id'), ('name_dob'), ('manual')")
    _, html = render()
    assert "其中新增 <strong>1</strong> 件" in html
    methods = re.findall(r"<svg .*?</svg>", html, re.DOTALL)[-1]
    assert "比对方式" in methods and "身份证号码一致" in methods and "乡镇人工确认为同一人" in methods


def test_an_old_year_file_is_history_not_stale(render, con, insert):
    insert(con, "ingest_files", [
        {"file": "pension/contributions_2022.csv", "source": "pension", "table": "contributions",
         "sha256": "d" * 64, "extract_date": dt.date(2022, 1, 1), "read": 1, "accepted": 1,
         "quarantined": 0, "duplicates": 0, "status": "ok", "stale": False,
         "age_days": 911, "extract_kind": "year"},
        {"file": "health/death_certificates_20240301.csv", "source": "health",
         "table": "death_certificates", "sha256": "e" * 64,
         "extract_date": dt.date(2024, 3, 1), "read": 1, "accepted": 1, "quarantined": 0,
         "duplicates": 0, "status": "ok", "stale": True, "age_days": 121,
         "extract_kind": "day"}])
    _, html = render()
    old = re.search(r"<td><code>pension/contributions_2022.csv</code>(.*?)</tr>", html,
                    re.DOTALL).group(1)
    assert "历史年度数据" in old and "数据过期" not in old
    stale = re.search(r"<td><code>health/death_certificates_20240301.csv</code>(.*?)</tr>", html,
                      re.DOTALL).group(1)
    assert "数据过期（2024-03-01，121 天）" in stale
    assert "contributions_2022.csv</code>（提取日期" not in html  # not in the stale list
    assert "历史年度数据（往年缴费、发放等记录，不属于过期）" in html


def test_self_contained_and_escaped(render, con, insert, make_id):
    insert(con, "skipped_checks", [{"check": "x", "reason": "<script>alert(1)</script>"}])
    _, html = render({"inbox": "<b>inbox</b>"})
    assert "<script" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;inbox&lt;/b&gt;" in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    assert "<link" not in html


def test_links_to_data_docs_and_outputs_when_present(render, con, sample, tmp_path):
    _, html = render()
    assert "data_docs" not in html
    write_lists(con, tmp_path)
    (tmp_path / "data_docs").mkdir()
    (tmp_path / "data_docs" / "index.html").write_text("<html></html>", encoding="utf-8")
    _, html = render()
    assert '<a href="data_docs/index.html">' in html
    assert '<a href="lists/deceased_accounts.csv">' in html


def test_missing_tables_do_not_stop_the_report(render, con):
    for table in ("ingest_files", "quarantine", "progress", "skipped_checks",
                  "list_lapsed_payers"):
        con.execute(f"drop table {table}")
    entry, html = render()
    assert entry.file == "report.html"
    assert "收件目录中没有找到任何文件" in html
    assert "以下清单未生成（上游数据缺失）：断缴人员" in html
    assert "没有参保进度数据" in html


def test_without_target_rate_and_with_timings(con, sample, tmp_path, config):
    write_report(con, tmp_path, config.county, AS_OF,
                 {"timings": {"ingest": 1.5, "match": 0.25}, "version": "0.1.0"})
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<h2>三、参保进度</h2>" in html
    assert "<th>距目标尚差人数</th>" in html
    timings = html[html.index("<th>运行步骤</th>"):]
    assert '<td>读入与清洗</td><td class="n">1.5</td>' in timings
    assert '<td>身份比对</td><td class="n">0.25</td>' in timings
    assert "ingest" not in html


def test_a_file_quarantined_whole_is_shown_with_its_reason(render, con, insert):
    insert(con, "ingest_files", [
        {"file": "health/notes.docx", "source": "health", "table": None, "sha256": "c" * 64,
         "extract_date": None, "read": 0, "accepted": 0, "quarantined": 0, "duplicates": 0,
         "status": "quarantined", "reason": "unsupported_format", "stale": False}])
    _, html = render()
    row = re.search(r"<code>health/notes.docx</code>(.*?)</tr>", html, re.DOTALL).group(1)
    assert "整文件隔离" in row
    assert "不支持的文件格式（只接收 csv、xlsx、xls、parquet）（unsupported_format）" in row
