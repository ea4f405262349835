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
    assert "health/death_certificates_20240101.csv</code>（提取日期 2024-01-01）" in html
    assert "乡村振兴局本次未报送数据" in html
    assert "日期无效（bad_date）" in html
    assert "隔离数据（共 3 条）" in html


def test_counts_per_list_per_township_and_totals(render, sample):
    _, html = render()
    # 死亡未销户, 应发丧葬补助金, 断缴, 重复参保, 代缴, 缴费异常, 未参保, 待人工确认, 合计
    assert cells(html, "北湾镇") == ["0", "0", "1", "0", "0", "0", "0", "1", "2"]
    assert cells(html, "未知乡镇")[6] == "1"
    assert cells(html, "合计")[-1] == "5"


def test_progress_against_the_configured_target(render, sample):
    _, html = render()
    assert "参保进度（目标参保率 98%）" in html
    row = re.search(r"<td>北湾镇</td><td class=\"n\">1000</td>(.*?)</tr>", html, re.DOTALL)
    assert re.findall(r">([^<]*)</td>", row.group(1)) == [
        "900", "90.00%", "1200", "1100", "91.67%", "76"]
    total = re.search(r"<td>全县合计</td>(.*?)</tr>", html, re.DOTALL)
    assert re.findall(r">([^<]*)</td>", total.group(1)) == [
        "1500", "1403", "93.53%", "1305", "1201", "92.03%", "79"]


def test_progress_total_sums_and_rates():
    rows = [{"township": "a", "target": 100, "completed": 50, "eligible": 200, "insured": 150,
             "gap_to_target": 46, "completion_rate": None, "participation_rate": None},
            {"township": "b", "target": None, "completed": 10, "eligible": 100, "insured": 100,
             "gap_to_target": 0, "completion_rate": None, "participation_rate": None}]
    total = progress_total(rows)
    assert (total["target"], total["completed"], total["eligible"], total["insured"],
            total["gap_to_target"]) == (100, 60, 300, 250, 46)
    assert total["completion_rate"] == Decimal("0.6000")
    assert total["participation_rate"] == Decimal("0.8333")
    assert progress_total([]) is None


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
    assert "<h2>四、参保进度</h2>" in html
    assert "<th>距目标尚差人数</th>" in html
    assert "<tr><th>各步骤用时（秒）</th><td>ingest 1.5；match 0.25</td></tr>" in html


def test_a_file_quarantined_whole_is_shown_with_its_reason(render, con, insert):
    insert(con, "ingest_files", [
        {"file": "health/notes.docx", "source": "health", "table": None, "sha256": "c" * 64,
         "extract_date": None, "read": 0, "accepted": 0, "quarantined": 0, "duplicates": 0,
         "status": "quarantined", "reason": "unsupported_format", "stale": False}])
    _, html = render()
    row = re.search(r"<code>health/notes.docx</code>(.*?)</tr>", html, re.DOTALL).group(1)
    assert "整文件隔离" in row
    assert "不支持的文件格式（只接收 csv、xlsx、xls、parquet）（unsupported_format）" in row
