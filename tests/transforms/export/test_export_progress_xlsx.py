"""progress.xlsx reproduces progress.csv as the notice's 进度表 (CONTRACT §3), and county.xlsx
holds every list for the whole county."""
from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

import openpyxl
import pytest

from transforms.export import (
    labels,
    start_county_workbook,
    write_county_workbook,
    write_lists,
    write_progress_xlsx,
    write_township_workbooks,
)
from transforms.lists_schema import LISTS

AS_OF = dt.date(2024, 6, 30)
HEADER = ["序号", "乡镇", "参保任务数", "本周新增", "累计完成", "完成率", "应参保人数",
          "已参保人数", "参保率", "距98%目标差额", "完成率排名"]


@pytest.fixture
def progress(con, insert):
    """Four townships: completion 0.90, 1.00, 0.80, 0.85 and one without a target."""
    con.execute("delete from progress")
    insert(con, "progress", [
        {"township": "北湾镇", "target": 100, "completed": 90, "completed_this_week": 5,
         "completion_rate": Decimal("0.9000"), "eligible": 200, "insured": 190,
         "participation_rate": Decimal("0.9500"), "gap_to_target": 6},
        {"township": "东湾镇", "target": 50, "completed": 50, "completed_this_week": 0,
         "completion_rate": Decimal("1.0000"), "eligible": 100, "insured": 99,
         "participation_rate": Decimal("0.9900"), "gap_to_target": 0},
        {"township": "乌兰镇", "target": 100, "completed": 80, "completed_this_week": 2,
         "completion_rate": Decimal("0.8000"), "eligible": 100, "insured": 98,
         "participation_rate": Decimal("0.9800"), "gap_to_target": 0},
        {"township": "刘川镇", "target": 20, "completed": 17, "completed_this_week": 1,
         "completion_rate": Decimal("0.8500"), "eligible": 40, "insured": 40,
         "participation_rate": Decimal("1.0000"), "gap_to_target": 0},
        {"township": "北滩镇", "target": None, "completed": 3, "completed_this_week": 3,
         "completion_rate": None, "eligible": 10, "insured": 9,
         "participation_rate": Decimal("0.9000"), "gap_to_target": 1},
    ])
    con.execute("create table rule_ledger (id_number varchar, township varchar)")
    con.execute("create table stg_contributions (id_number varchar, year integer, "
                "channel varchar)")
    con.execute("insert into rule_ledger values ('a', '北湾镇'), ('b', '北湾镇'), ('c', '乌兰镇'), "
                "('d', '城关镇')")
    # 北湾镇: 2 微信 + 1 农商银行; 乌兰镇: 1 现金 (其他) + 1 missing channel (其他);
    # 城关镇 (not configured) and x (not in the ledger): 未知乡镇; 2023 rows do not count
    con.execute("insert into stg_contributions values ('a', 2024, '微信'), ('b', 2024, '微信'), "
                "('a', 2024, '农商银行'), ('c', 2024, '现金'), ('c', 2024, null), "
                "('d', 2024, '支付宝'), ('x', 2024, '税务大厅'), ('a', 2023, '微信')")


@pytest.fixture
def book(con, progress, tmp_path, config):
    entry = write_progress_xlsx(con, tmp_path, config.county, AS_OF,
                                target_rate=config.policy.target_rate)
    assert entry.file == "progress.xlsx"
    return openpyxl.load_workbook(tmp_path / "progress.xlsx")


def table(sheet) -> list[tuple]:
    return [r for r in sheet.iter_rows(min_row=4, values_only=True) if r[1]]


def test_title_columns_and_the_figures_of_progress_csv(book, con, tmp_path, config):
    sheet = book[labels.PROGRESS_SHEET]
    assert book.sheetnames == ["进度表", "缴费渠道"]
    assert sheet["A1"].value == "靖远县2024年城乡居民养老保险参(续)保任务完成情况进度表"
    assert [c.value for c in sheet[3]][:11] == HEADER
    write_lists(con, tmp_path, county=config.county)
    with open(tmp_path / "progress.csv", encoding="utf-8-sig") as handle:
        csv_rows = list(csv.DictReader(handle))
    rows = table(sheet)
    assert [r[1] for r in rows] == [r["township"] for r in csv_rows] + ["全县合计"]
    for row, want in zip(rows, csv_rows):
        got = dict(zip(HEADER, row))
        for header, key in (("参保任务数", "target"), ("本周新增", "completed_this_week"),
                            ("累计完成", "completed"), ("应参保人数", "eligible"),
                            ("已参保人数", "insured"), ("距98%目标差额", "gap_to_target")):
            assert got[header] == (int(want[key]) if want[key] else None), (header, got)
        for header, key in (("完成率", "completion_rate"), ("参保率", "participation_rate")):
            assert got[header] == (pytest.approx(float(want[key])) if want[key] else None)
    cell = sheet.cell(4, 6)
    assert cell.number_format == "0.00%"


def test_county_row_from_the_totals(book):
    total = dict(zip(HEADER, table(book[labels.PROGRESS_SHEET])[-1]))
    assert total["乡镇"] == "全县合计"
    assert (total["参保任务数"], total["本周新增"], total["累计完成"]) == (270, 11, 240)
    assert total["完成率"] == pytest.approx(0.8889)  # 240 / 270
    assert (total["应参保人数"], total["已参保人数"]) == (450, 436)
    assert total["参保率"] == pytest.approx(0.9689)  # 436 / 450 = 0.96888…
    assert total["距98%目标差额"] == 5  # ceil(0.98 x 450 = 441) - 436, not 6 + 1
    assert total["完成率排名"] is None


def test_ranking_and_the_three_lowest_highlighted(book):
    sheet = book[labels.PROGRESS_SHEET]
    rows = {r[1]: dict(zip(HEADER, r)) for r in table(sheet)}
    assert {t: rows[t]["完成率排名"] for t in ("东湾镇", "北湾镇", "刘川镇", "乌兰镇")} == {
        "东湾镇": 1, "北湾镇": 2, "刘川镇": 3, "乌兰镇": 4}
    assert rows["北滩镇"]["完成率排名"] is None  # no target, no rate, no rank
    fills = {sheet.cell(r, 2).value: sheet.cell(r, 2).fill.fgColor.rgb
             for r in range(4, 4 + len(rows))}
    highlighted = {t for t, rgb in fills.items() if rgb and rgb.endswith("FFC7CE")}
    assert highlighted == {"北湾镇", "乌兰镇", "刘川镇"}


def test_a_native_chart_of_both_rates_against_the_target_line(book):
    sheet = book[labels.PROGRESS_SHEET]
    (chart,) = sheet._charts
    assert chart.tagname == "barChart"
    assert len(chart.series) == 2
    (line,) = chart._charts[1:]
    assert line.tagname == "lineChart"
    assert sheet.column_dimensions["L"].hidden
    assert [sheet.cell(r, 12).value for r in range(4, 9)] == [pytest.approx(0.98)] * 5


def test_channel_sheet_counts_the_as_of_years_contributions(book):
    sheet = book[labels.CHANNEL_SHEET]
    header = [c.value for c in sheet[3]]
    assert header == ["序号", "乡镇", "农商银行", "农业银行", "微信", "支付宝", "税务终端",
                      "税务大厅", "其他", "合计"]
    rows = {r[1]: dict(zip(header, r)) for r in table(sheet)}
    assert rows["北湾镇"]["微信"] == 2 and rows["北湾镇"]["农商银行"] == 1
    assert rows["北湾镇"]["合计"] == 3
    assert rows["乌兰镇"]["其他"] == 2 and rows["乌兰镇"]["合计"] == 2
    assert rows["未知乡镇"]["支付宝"] == 1 and rows["未知乡镇"]["税务大厅"] == 1
    assert rows["东湾镇"]["合计"] == 0
    assert rows["全县合计"]["合计"] == 7


def test_printable_no_formula_and_byte_identical(con, progress, tmp_path, config):
    first = write_progress_xlsx(con, tmp_path / "a", config.county, AS_OF,
                                target_rate=config.policy.target_rate)
    second = write_progress_xlsx(con, tmp_path / "b", config.county, AS_OF,
                                 target_rate=config.policy.target_rate)
    assert first.sha256 == second.sha256
    book = openpyxl.load_workbook(tmp_path / "a" / "progress.xlsx")
    assert book.properties.created == dt.datetime(2024, 6, 30)
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == "$3:$3"
        for row in sheet.iter_rows():
            assert all(c.data_type != "f" for c in row)


def test_county_workbook_every_list_masked_and_a_summary_per_township(con, sample, tmp_path,
                                                                     config):
    entry = write_county_workbook(con, tmp_path, config.county, AS_OF,
                                  target_rate=config.policy.target_rate)
    assert (entry.file, entry.rows) == ("county.xlsx", 5)
    book = openpyxl.load_workbook(tmp_path / "county.xlsx")
    assert book.sheetnames == [labels.SUMMARY_SHEET] + [labels.LIST_TITLE[n] for n in LISTS]
    deceased = list(book[labels.LIST_TITLE["deceased_accounts"]].iter_rows(values_only=True))
    assert "公民身份号码" in deceased[0] and "核查结果" not in deceased[0]
    at = deceased[0].index("公民身份号码")
    for row in deceased[1:]:
        assert row[at].startswith("620421********")
    dead_b = sample["dead_b"]
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        for row in sheet.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and dead_b in v for v in row)
    summary = {r[0]: r for r in book[labels.SUMMARY_SHEET].iter_rows(values_only=True) if r[0]}
    header = summary["乡镇（街道）"]
    assert header[1:9] == tuple(labels.LIST_TITLE[n] for n in LISTS)
    assert summary["乌兰镇"][1] == 2 and summary["乌兰镇"][9] == 2
    assert summary["北湾镇"][3] == 1 and summary["北湾镇"][8] == 1
    assert summary["未知乡镇"][7] == 1
    assert summary["全县合计"][9] == 5
    assert summary["全县合计"][header.index("死亡后多发待遇（应追回）（元）")] == 1722


def test_county_workbook_in_full_when_told(con, sample, tmp_path, config):
    write_county_workbook(con, tmp_path, config.county, AS_OF, mask_ids=False,
                          target_rate=config.policy.target_rate)
    rows = list(openpyxl.load_workbook(tmp_path / "county.xlsx")[
        labels.LIST_TITLE["deceased_accounts"]].iter_rows(values_only=True))
    at = rows[0].index("公民身份号码")
    assert sample["dead_b"] in [r[at] for r in rows[1:]]


def test_county_workbook_from_a_worker_process_is_the_same_file(con, sample, tmp_path, config):
    """A big county's county.xlsx is written by a worker process (start_county_workbook):
    the same bytes as written here, and a worker stopped early leaves no file behind."""
    here = write_county_workbook(con, tmp_path / "here", config.county, AS_OF,
                                 target_rate=config.policy.target_rate)
    with start_county_workbook(con, tmp_path / "worker", config.county, AS_OF,
                               target_rate=config.policy.target_rate, worker=True) as pending:
        there = pending.result()
    assert there == here
    assert sorted(p.name for p in (tmp_path / "worker").iterdir()) == ["county.xlsx"]
    with start_county_workbook(con, tmp_path / "stopped", config.county, AS_OF,
                               target_rate=config.policy.target_rate, worker=True):
        pass
    assert list((tmp_path / "stopped").iterdir()) == []


def test_township_workbooks_the_worker_writes_are_the_same_files(con, sample, tmp_path,
                                                                 config, monkeypatch):
    """With the export worker (export_worker.py), the lists go to it as they are
    rendered and it writes county.xlsx and a share of the township workbooks: the same
    files, rows and bytes as all written here, and no message file left behind."""
    from transforms.export import prepare_lists, workbooks

    rate = config.policy.target_rate
    here = write_township_workbooks(con, tmp_path / "here", config.county, AS_OF,
                                    target_rate=rate)
    here.append(write_county_workbook(con, tmp_path / "here", config.county, AS_OF,
                                      target_rate=rate))
    # operations.yaml export.worker_share 0.6: the worker writes some of the sample's
    # workbooks, not all (0.5, the committed value, gives it none of these)
    tuning = config.operations.export.model_copy(update={"worker_share": 0.6})
    rows = {w.file.removeprefix("townships/").removesuffix(".xlsx"): w.rows for w in here[:-1]}
    assert 0 < len(workbooks.worker_townships(rows, tuning.worker_share)) < len(rows)
    with start_county_workbook(con, tmp_path / "worker", config.county, AS_OF,
                               target_rate=rate, worker=True) as pending:
        prepared = prepare_lists(con, config.county, True, sink=pending.add_list)
        there = write_township_workbooks(con, tmp_path / "worker", config.county, AS_OF,
                                         target_rate=rate, prepared=prepared,
                                         worker=pending.worker,
                                         worker_share=tuning.worker_share)
        there.append(pending.result(prepared))
    assert there == here
    assert sorted(p.name for p in (tmp_path / "worker").iterdir()) == ["county.xlsx",
                                                                       "townships"]
    assert len(list((tmp_path / "worker" / "townships").iterdir())) == len(rows)


def test_worker_share_takes_the_smallest_townships_up_to_the_share(config):
    from transforms.export.workbooks import worker_townships

    committed = config.operations.export.worker_share  # operations.yaml export.worker_share
    assert committed == 0.2
    # 100 rows, 20 for the worker: b (10) fits, b and c (30) would not
    assert worker_townships({"a": 50, "b": 10, "c": 20, "d": 20}, committed) == ["b"]
    share = 0.5
    assert worker_townships({"a": 50, "b": 10, "c": 20, "d": 20}, share) == ["b", "c", "d"]
    assert worker_townships({"a": 90, "b": 11}, share) == ["b"]  # 11 <= 50.5
    assert worker_townships({"a": 49, "b": 51}, share) == ["a"]
    assert worker_townships({"a": 60}, share) == []  # 60 > 30: one township stays here
    assert worker_townships({"a": 49, "b": 51}, 0) == []
    assert worker_townships({"a": 49, "b": 51}, 1) == ["a", "b"]


def test_the_worker_starts_from_the_configured_rows(con, sample, tmp_path, config,
                                                    monkeypatch):
    """operations.yaml export.worker_rows decides when county.xlsx goes to a worker
    (with a core free): the sample's 5 list rows are below the committed 5,000, and at
    or above a threshold of 5; neither given is an error, not a silent default."""
    from transforms.export import county_workbook

    monkeypatch.setattr(county_workbook, "second_core_free", lambda: True)
    rate = config.policy.target_rate
    assert config.operations.export.worker_rows == 5000
    for worker_rows, expected in ((config.operations.export.worker_rows, False), (5, True),
                                  (6, False)):
        with start_county_workbook(con, tmp_path / str(worker_rows), config.county, AS_OF,
                                   target_rate=rate, worker_rows=worker_rows) as pending:
            assert (pending.worker is not None) is expected
    with pytest.raises(ValueError, match="worker_rows"):
        start_county_workbook(con, tmp_path, config.county, AS_OF, target_rate=rate)
    with pytest.raises(ValueError, match="worker_share"):
        write_township_workbooks(con, tmp_path, config.county, AS_OF, target_rate=rate,
                                 worker=object())
