"""The 汇总 (summary) sheet of a township workbook: per list its rows and cases by status,
the money at stake, the township's progress against the target with a chart."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from transforms.config import County
from transforms.export import figures, labels
from transforms.export import sheet_layout as layout

NOT_BUILT = "未生成（数据缺失）"
NO_TARGET = "未下达"
NO_DATA = "无数据"
NO_STATUS = "—"
COUNT_HEADERS = ("清单（工作表）", "说明", "条数") + tuple(labels.CASE_STATUS.values())


def percent_text(rate: Decimal) -> str:
    """0.98 -> '98%', 0.975 -> '97.5%' (for labels; cells use a % number format)."""
    value = (Decimal(rate) * 100).normalize()
    return f"{value:f}%"


def write_summary(sheet, county: County, township: str, as_of: dt.date, target_rate: Decimal,
                  mask_ids: bool, counts: dict[str, int | None], progress: dict | None,
                  formats: dict, stats: dict | None = None, with_status=frozenset(),
                  book=None, footer: str = "") -> None:
    """Fill the summary sheet. ``counts[name]`` is None when the list was not built;
    ``stats`` is the township's figures.list_stats entry (statuses, money), ``with_status``
    the lists that carry case_status; ``book``
    the workbook, for the chart (none without it)."""
    stats = stats or {}
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 84)
    sheet.set_column(2, 6, 11)
    put = sheet.write_string
    title = f"{county.name}{township}城乡居民基本养老保险数据比对核查清单"
    put(0, 0, title, formats["title"])
    put(1, 0, "数据截止日期")
    put(1, 1, as_of.isoformat())
    put(2, 0, "身份证号码")
    put(2, 1, "已脱敏显示（仅显示前6位和后4位）" if mask_ids
        else "完整显示，含个人信息，请妥善保管，不得外传")

    row = 4
    for col, header in enumerate(COUNT_HEADERS):
        put(row, col, header, formats["header"])
    total = 0
    for name, count in counts.items():
        row += 1
        title_ = labels.LIST_TITLE[name]
        sheet.write_url(row, 0, f"internal:'{title_}'!A1", string=title_)
        _wrapped(sheet, row, 1, labels.LIST_HELP[name], formats)
        if count is None:
            put(row, 2, NOT_BUILT)
            continue
        sheet.write_number(row, 2, count, formats["int_center"])
        total += count
        entry = stats.get(name) or figures.empty_stats(name in with_status)
        for k, status in enumerate(figures.STATUSES, start=3):
            if entry["status"] is None:
                put(row, k, NO_STATUS, formats["center"])
            else:
                sheet.write_number(row, k, entry["status"][status], formats["int_center"])
    row += 1
    put(row, 0, "合计", formats["bold"])
    sheet.write_number(row, 2, total, formats["int_center"])
    summed = figures.township_total(stats)
    for k, status in enumerate(figures.STATUSES, start=3):
        if summed["status"] is not None or with_status:
            value = summed["status"][status] if summed["status"] else 0
            sheet.write_number(row, k, value, formats["int_center"])

    row = _money(sheet, row + 2, summed, formats)
    row = _progress(sheet, row + 2, target_rate, progress, formats, book)

    row += 2
    put(row, 0, "填写说明", formats["bold"])
    notes = (
        f"请逐条核实各清单，在“{labels.CHECK_RESULT}”列选择："
        + "、".join(labels.CHECK_CHOICES) + "（待人工确认表选择 是 / 否）。",
        f"在“{labels.CHECK_NOTE}”列写明核实情况（如死亡日期、现居住地、已补缴时间等）。",
        "核查完毕后将本工作簿报回县社保经办机构；其他列已锁定，请勿修改，以便汇总比对。",
    )
    for note in notes:
        row += 1
        _wrapped(sheet, row, 1, note, formats)
    layout.print_setup(sheet, title, f"数据截止 {as_of.isoformat()}", footer or township,
                       repeat_header_row=None)
    sheet.protect("", layout.PROTECTION)


def _wrapped(sheet, row: int, col: int, text: str, formats: dict, width: int = 84) -> None:
    """A text wrapped in its cell, the row as tall as its lines."""
    sheet.write_string(row, col, text, formats["wrap"])
    height = layout.row_height(layout.lines_needed(text, width))
    if height:
        sheet.set_row(row, height)


def _money(sheet, row: int, summed: dict, formats: dict) -> int:
    """The money at stake in this township's lists, in 元."""
    sheet.write_string(row, 0, "涉及金额", formats["header"])
    sheet.write_string(row, 1, "清单", formats["header"])
    sheet.write_string(row, 2, "金额（元）", formats["header"])
    for name, columns in figures.MONEY_TOTALS.items():
        for column in columns:
            row += 1
            sheet.write_string(row, 0, labels.MONEY_AT_STAKE[column])
            sheet.write_string(row, 1, labels.LIST_TITLE[name])
            sheet.write_number(row, 2, float(summed["money"][column]), formats["yuan"])
    return row


def _progress(sheet, row: int, target_rate: Decimal, progress: dict | None,
              formats: dict, book) -> int:
    put = sheet.write_string
    put(row, 0, "参保进度", formats["header"])
    put(row, 1, "数值", formats["header"])
    top = row
    for label, value, fmt in _progress_lines(target_rate, progress):
        row += 1
        put(row, 0, label)
        if isinstance(value, str):
            put(row, 1, value)
        else:
            sheet.write_number(row, 1, float(value), formats[f"{fmt}_left"])
    if book is not None and progress and progress.get("participation_rate") is not None:
        _chart(book, sheet, top, target_rate, progress, formats)
    return row


def _chart(book, sheet, top: int, target_rate: Decimal, progress: dict, formats: dict) -> None:
    """Completion and participation rate as columns, the target as a line (native chart;
    its data stands in C:E beside the progress lines)."""
    put = sheet.write_string
    put(top, 2, "图表数据", formats["header"])
    put(top, 3, "本乡镇", formats["header"])
    put(top, 4, "目标", formats["header"])
    items = [("任务完成率", progress.get("completion_rate")),
             ("参保率", progress.get("participation_rate"))]
    for k, (label, value) in enumerate(items, start=1):
        put(top + k, 2, label)
        if value is not None:
            sheet.write_number(top + k, 3, float(value), formats["percent"])
        sheet.write_number(top + k, 4, float(target_rate), formats["percent"])
    name = sheet.get_name()
    bars = book.add_chart({"type": "column"})
    bars.add_series({"name": "本乡镇", "categories": [name, top + 1, 2, top + 2, 2],
                     "values": [name, top + 1, 3, top + 2, 3], "fill": {"color": "#2F75B5"},
                     "data_labels": {"value": True, "num_format": "0.00%"}, "gap": 120})
    line = book.add_chart({"type": "line"})
    line.add_series({"name": f"目标 {percent_text(target_rate)}",
                     "categories": [name, top + 1, 2, top + 2, 2],
                     "values": [name, top + 1, 4, top + 2, 4],
                     "line": {"color": "#C00000", "width": 2, "dash_type": "dash"},
                     "marker": {"type": "none"}})
    bars.combine(line)
    bars.set_title({"name": "本乡镇参保进度与目标", "name_font": {"size": 11}})
    bars.set_y_axis({"min": 0, "max": 1, "num_format": "0%", "major_gridlines": {"visible": True}})
    bars.set_legend({"position": "bottom"})
    bars.set_size({"width": 420, "height": 250})
    sheet.insert_chart(top + 4, 2, bars, {"x_offset": 4, "y_offset": 4})


def _progress_lines(target_rate: Decimal, progress: dict | None):
    yield "目标参保率", Decimal(target_rate), "percent"
    if progress is None:
        yield "本乡镇进度", NO_DATA, None
        return
    target = progress["target"]
    yield labels.column("target"), (NO_TARGET if target is None else target), "int"
    yield labels.column("completed"), _or_blank(progress["completed"]), "int"
    if "completed_this_week" in progress:
        yield labels.column("completed_this_week"), _or_blank(progress["completed_this_week"]), \
            "int"
    rate = progress["completion_rate"]
    yield labels.column("completion_rate"), (NO_TARGET if rate is None else rate), "percent"
    yield labels.column("eligible"), _or_blank(progress["eligible"]), "int"
    yield labels.column("insured"), _or_blank(progress["insured"]), "int"
    yield labels.column("participation_rate"), _or_blank(progress["participation_rate"]), \
        "percent"
    yield (f"距{percent_text(target_rate)}目标尚差人数", _or_blank(progress["gap_to_target"]),
           "int")
    gap = progress["gap_to_target"]
    if gap is not None:
        yield "是否达到目标", (labels.YES if gap <= 0 else labels.NO), None


def _or_blank(value):
    return NO_DATA if value is None else value
