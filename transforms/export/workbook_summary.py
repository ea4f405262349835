"""The 汇总 (summary) sheet of a township workbook: counts per list, progress vs target."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from transforms.config import County
from transforms.export import labels

NOT_BUILT = "未生成（数据缺失）"
NO_TARGET = "未下达"
NO_DATA = "无数据"


def percent_text(rate: Decimal) -> str:
    """0.98 -> '98%', 0.975 -> '97.5%' (for labels; cells use a % number format)."""
    value = (Decimal(rate) * 100).normalize()
    return f"{value:f}%"


def write_summary(sheet, county: County, township: str, as_of: dt.date, target_rate: Decimal,
                  mask_ids: bool, counts: dict[str, int | None], progress: dict | None,
                  formats: dict) -> None:
    """Fill the summary sheet. ``counts[name]`` is None when the list was not built."""
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 72)
    sheet.set_column(2, 2, 14)
    put = sheet.write_string
    put(0, 0, f"{county.name}{township}城乡居民基本养老保险数据比对核查清单", formats["title"])
    put(1, 0, "数据截止日期")
    put(1, 1, as_of.isoformat())
    put(2, 0, "身份证号码")
    put(2, 1, "已脱敏显示（仅显示前6位和后4位）" if mask_ids
        else "完整显示，含个人信息，请妥善保管，不得外传")

    row = 4
    for col, header in enumerate(("清单（工作表）", "说明", "条数")):
        put(row, col, header, formats["header"])
    total = 0
    for name, count in counts.items():
        row += 1
        title = labels.LIST_TITLE[name]
        sheet.write_url(row, 0, f"internal:'{title}'!A1", string=title)
        put(row, 1, labels.LIST_HELP[name])
        if count is None:
            put(row, 2, NOT_BUILT)
        else:
            sheet.write_number(row, 2, count, formats["int"])
            total += count
    row += 1
    put(row, 0, "合计", formats["bold"])
    sheet.write_number(row, 2, total, formats["int"])

    row += 2
    put(row, 0, "参保进度", formats["header"])
    put(row, 1, "数值", formats["header"])
    for label, value, fmt in _progress_lines(target_rate, progress):
        row += 1
        put(row, 0, label)
        if isinstance(value, str):
            put(row, 1, value)
        else:
            sheet.write_number(row, 1, float(value), formats[fmt])

    row += 2
    put(row, 0, "填写说明", formats["bold"])
    notes = (
        f"请逐条核实各清单，在“{labels.CHECK_RESULT}”列选择："
        + "、".join(labels.CHECK_CHOICES) + "。",
        f"在“{labels.CHECK_NOTE}”列写明核实情况（如死亡日期、现居住地、已补缴时间等）。",
        "核查完毕后将本工作簿报回县社保经办机构；请勿修改其他列，以便汇总比对。",
    )
    for note in notes:
        row += 1
        put(row, 1, note)


def _progress_lines(target_rate: Decimal, progress: dict | None):
    yield "目标参保率", Decimal(target_rate), "percent"
    if progress is None:
        yield "本乡镇进度", NO_DATA, None
        return
    target = progress["target"]
    yield labels.column("target"), (NO_TARGET if target is None else target), "int"
    yield labels.column("completed"), _or_blank(progress["completed"]), "int"
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
