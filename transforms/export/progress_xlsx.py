"""progress.xlsx: the notice's attachment, the weekly 进度表 (CONTRACT.md §3).

Sheet 进度表: one row per township of progress.csv in the configured order and a
全县合计 row (rates and gap from the totals, figures.county_total), with the
columns of the attachment; the three lowest completion rates highlighted for
the 通报; a native chart of completion and participation rate against the target
line. Sheet 缴费渠道: the as-of year's contribution rows per township and channel.

The file is written on every run beside progress.csv; the weekly deployment
publishes the one of its run (``write_progress_xlsx`` can also write it anywhere).
"""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import duckdb

from transforms.config import County
from transforms.export import figures, labels
from transforms.export import sheet_layout as layout
from transforms.export.files import OutputFile, table_columns, write_bytes
from transforms.export.workbook_summary import percent_text
from transforms.export.xlsx_book import book_formats, new_book
from transforms.sqlfile import run_sql

FILE = "progress.xlsx"
FIRST_ROW = 3  # title, date line, header
LOW = "#FFC7CE"


def progress_title(county: County, as_of: dt.date) -> str:
    return f"{county.name}{as_of.year}年城乡居民养老保险参(续)保任务完成情况进度表"


def headers(target_rate: Decimal) -> tuple[str, ...]:
    return ("序号", "乡镇", "参保任务数", "本周新增", "累计完成", "完成率", "应参保人数",
            "已参保人数", "参保率", f"距{percent_text(target_rate)}目标差额", "完成率排名")


def write_progress_xlsx(con: duckdb.DuckDBPyConnection, out: Path, county: County,
                        as_of: dt.date, *, target_rate: Decimal,
                        path: Path | None = None) -> OutputFile:
    """Write ``out``/progress.xlsx (or ``path``, relative names in the entry to ``out``)."""
    out = Path(out)
    townships = [t.name for t in county.townships] + [county.unknown_township]
    rows = figures.read_progress(con, townships)
    channels = _channels(con, county, as_of)
    data = progress_workbook(county, as_of, target_rate, rows, channels)
    return write_bytes(out, path or out / FILE, data, len(rows))


def _channels(con, county: County, as_of: dt.date) -> dict[str, dict[str, int]] | None:
    if table_columns(con, "stg_contributions") is None or table_columns(con, "rule_ledger") is None:
        return None
    cursor = run_sql(con, "export/progress_channels", {
        "as_of_year": as_of.year, "townships": [t.name for t in county.townships],
        "unknown_township": county.unknown_township, "channels": list(labels.CHANNELS),
        "other_channel": labels.OTHER_CHANNEL})
    counts: dict[str, dict[str, int]] = {}
    for township, channel, n in cursor.fetchall():
        counts.setdefault(township, {})[channel] = n
    return counts


def progress_workbook(county: County, as_of: dt.date, target_rate: Decimal, rows: list[dict],
                      channels: dict[str, dict[str, int]] | None) -> bytes:
    buffer = io.BytesIO()
    title = progress_title(county, as_of)
    book = new_book(buffer, title, county, as_of)
    formats = book_formats(book)
    extra = {
        "big_title": book.add_format({"bold": True, "font_size": 15, "align": "center",
                                      "valign": "vcenter"}),
        "cell": book.add_format({"border": 1, "align": "center"}),
        "cell_int": book.add_format({"border": 1, "num_format": "0"}),
        "cell_pct": book.add_format({"border": 1, "num_format": "0.00%"}),
        "low": book.add_format({"border": 1, "align": "center", "bg_color": LOW}),
        "low_int": book.add_format({"border": 1, "num_format": "0", "bg_color": LOW}),
        "low_pct": book.add_format({"border": 1, "num_format": "0.00%", "bg_color": LOW}),
        "total": book.add_format({"border": 1, "bold": True, "align": "center",
                                  "bg_color": "#F2F2F2"}),
        "total_int": book.add_format({"border": 1, "bold": True, "num_format": "0",
                                      "bg_color": "#F2F2F2"}),
        "total_pct": book.add_format({"border": 1, "bold": True, "num_format": "0.00%",
                                      "bg_color": "#F2F2F2"}),
        "head": book.add_format({"bold": True, "border": 1, "align": "center",
                                 "valign": "vcenter", "text_wrap": True, "bg_color": "#DDEBF7"}),
    }
    formats.update(extra)
    sheet = book.add_worksheet(labels.PROGRESS_SHEET)
    _progress_sheet(book, sheet, title, as_of, target_rate, rows, formats)
    _channel_sheet(book.add_worksheet(labels.CHANNEL_SHEET), title, as_of, county, channels,
                   formats)
    book.close()
    return buffer.getvalue()


def _progress_sheet(book, sheet, title, as_of, target_rate, rows, formats) -> None:
    cols = headers(target_rate)
    sheet.merge_range(0, 0, 0, len(cols) - 1, title, formats["big_title"])
    sheet.set_row(0, 30)
    sheet.write_string(1, 0, f"数据截止日期：{as_of.isoformat()}　　单位：人　　"
                             f"本周：{(as_of - dt.timedelta(days=6)).isoformat()} 至 "
                             f"{as_of.isoformat()}")
    for j, header in enumerate(cols):
        sheet.write_string(2, j, header, formats["head"])
    sheet.set_row(2, 30)
    ranks = figures.completion_ranks(rows)
    low = figures.lowest_three(rows)
    total = figures.county_total(rows, target_rate, labels.COUNTY_TOTAL)
    r = FIRST_ROW
    for k, row in enumerate(rows, start=1):
        kind = "low" if row["township"] in low else "cell"
        _progress_row(sheet, r, k, row, ranks.get(row["township"]), formats, kind)
        r += 1
    if total:
        _progress_row(sheet, r, None, total, None, formats, "total")
        sheet.write_string(r, 0, "", formats["total"])
        sheet.write_blank(r, 10, None, formats["total"])
    widths = (6, 12, 11, 10, 10, 10, 11, 11, 10, 14, 11)
    for j, width in enumerate(widths):
        sheet.set_column(j, j, width)
    note = r + 2
    if low:
        names = "、".join(row["township"] for row in rows if row["township"] in low)
        sheet.write_string(note, 0, f"注：完成率最低的乡镇（{names}）以红色底纹标示。")
    sheet.write_string(note + 1, 0, "完成率 = 累计完成 ÷ 参保任务数；参保率 = 已参保人数 ÷ "
                       f"应参保人数；距{percent_text(target_rate)}目标差额 = 达到目标参保率"
                       "还需参保的人数。")
    if rows:
        _chart(book, sheet, len(rows), note + 3, target_rate)
    sheet.freeze_panes(FIRST_ROW, 2)
    layout.print_setup(sheet, title, f"数据截止 {as_of.isoformat()}",
                       _total_line(total, target_rate), repeat_header_row=2)


def _progress_row(sheet, r, number, row, rank, formats, kind) -> None:
    text, whole, pct = formats[kind], formats[f"{kind}_int"], formats[f"{kind}_pct"]
    if number is not None:
        sheet.write_number(r, 0, number, text)
    sheet.write_string(r, 1, row["township"], text)
    keys = ("target", "completed_this_week", "completed", "completion_rate", "eligible",
            "insured", "participation_rate", "gap_to_target")
    for j, key in enumerate(keys, start=2):
        value = row.get(key)
        fmt = pct if key.endswith("_rate") else whole
        if value is None:
            sheet.write_blank(r, j, None, fmt)
        else:
            sheet.write_number(r, j, float(value), fmt)
    if rank is not None:
        sheet.write_number(r, 10, rank, whole)
    elif kind != "total":
        sheet.write_blank(r, 10, None, whole)


def _chart(book, sheet, n: int, at: int, target_rate: Decimal) -> None:
    """Columns: completion and participation rate per township; a line at the target
    (its values in the hidden column L, so the table keeps the attachment's columns)."""
    name = sheet.get_name()
    first, last = FIRST_ROW, FIRST_ROW + n - 1
    sheet.write_string(FIRST_ROW - 1, 11, "目标参保率")
    for r in range(first, last + 1):
        sheet.write_number(r, 11, float(target_rate))
    sheet.set_column(11, 11, None, None, {"hidden": True})
    chart = book.add_chart({"type": "column"})
    categories = [name, first, 1, last, 1]
    chart.add_series({"name": "完成率", "categories": categories,
                      "values": [name, first, 5, last, 5], "fill": {"color": "#2F75B5"}})
    chart.add_series({"name": "参保率", "categories": categories,
                      "values": [name, first, 8, last, 8], "fill": {"color": "#A9D18E"}})
    line = book.add_chart({"type": "line"})
    line.add_series({"name": f"目标 {percent_text(target_rate)}", "categories": categories,
                     "values": [name, first, 11, last, 11],
                     "line": {"color": "#C00000", "width": 2, "dash_type": "dash"},
                     "marker": {"type": "none"}})
    chart.combine(line)
    chart.show_hidden_data()
    chart.set_title({"name": "各乡镇完成率与参保率", "name_font": {"size": 12}})
    chart.set_y_axis({"num_format": "0%", "min": 0, "major_gridlines": {"visible": True}})
    chart.set_x_axis({"num_font": {"rotation": -45}})
    chart.set_legend({"position": "top"})
    chart.set_size({"width": 1000, "height": 360})
    sheet.insert_chart(at, 0, chart)


def _total_line(total: dict | None, target_rate: Decimal) -> str:
    if not total:
        return ""
    parts = ["全县"]
    if total.get("completion_rate") is not None:
        parts.append(f"完成率 {figures.rate_text(total['completion_rate'])}")
    if total.get("participation_rate") is not None:
        parts.append(f"参保率 {figures.rate_text(total['participation_rate'])}")
    if total.get("gap_to_target") is not None:
        parts.append(f"距{percent_text(target_rate)}目标差额 {total['gap_to_target']} 人")
    return "  ".join(parts)


def _channel_sheet(sheet, title, as_of, county: County, channels, formats) -> None:
    names = labels.CHANNELS + (labels.OTHER_CHANNEL,)
    cols = ("序号", "乡镇") + names + ("合计",)
    sheet.merge_range(0, 0, 0, len(cols) - 1, f"{as_of.year}年度各乡镇缴费渠道统计（笔）",
                      formats["big_title"])
    sheet.set_row(0, 30)
    sheet.write_string(1, 0, f"数据截止日期：{as_of.isoformat()}　　统计{as_of.year}年度缴费记录笔数"
                             "（按参保人台账所属乡镇）")
    for j, header in enumerate(cols):
        sheet.write_string(2, j, header, formats["head"])
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 12)
    sheet.set_column(2, len(cols) - 1, 10)
    if channels is None:
        sheet.write_string(FIRST_ROW, 1, "本次未收到参保人员或缴费记录，无法统计。")
        layout.print_setup(sheet, title, f"数据截止 {as_of.isoformat()}", repeat_header_row=2)
        return
    townships = [t.name for t in county.townships]
    if county.unknown_township in channels:
        townships.append(county.unknown_township)
    r = FIRST_ROW
    sums = dict.fromkeys(names, 0)
    for k, township in enumerate(townships, start=1):
        counts = channels.get(township, {})
        sheet.write_number(r, 0, k, formats["cell"])
        sheet.write_string(r, 1, township, formats["cell"])
        for j, channel in enumerate(names, start=2):
            sheet.write_number(r, j, counts.get(channel, 0), formats["cell_int"])
            sums[channel] += counts.get(channel, 0)
        sheet.write_number(r, len(cols) - 1, sum(counts.values()), formats["cell_int"])
        r += 1
    sheet.write_string(r, 0, "", formats["total"])
    sheet.write_string(r, 1, labels.COUNTY_TOTAL, formats["total"])
    for j, channel in enumerate(names, start=2):
        sheet.write_number(r, j, sums[channel], formats["total_int"])
    sheet.write_number(r, len(cols) - 1, sum(sums.values()), formats["total_int"])
    sheet.freeze_panes(FIRST_ROW, 2)
    layout.print_setup(sheet, title, f"数据截止 {as_of.isoformat()}", repeat_header_row=2)
