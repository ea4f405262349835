"""county.xlsx: every list for the whole county, in Chinese, for the county officers.

A summary sheet (per township: rows per list, cases new tonight, the money at stake)
and one sheet per list with all its rows, sorted by township, village and ID,
printable like the township workbooks. IDs are masked unless the run is told
otherwise (``mask_ids``), as in the township workbooks. The sheets carry no answer
columns and are not protected: townships answer in their own workbooks, and the
county sorts and annotates this one freely.
"""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import duckdb

from transforms import lists_schema
from transforms.config import County
from transforms.export import figures, labels
from transforms.export import sheet_layout as layout
from transforms.export.files import OutputFile, write_bytes
from transforms.export.list_rows import PreparedLists
from transforms.export.workbooks import _list_sheet, _prepared
from transforms.export.xlsx_book import book_formats, new_book

FILE = "county.xlsx"


def write_county_workbook(con: duckdb.DuckDBPyConnection, out: Path, county: County,
                          as_of: dt.date, mask_ids: bool = True, *,
                          target_rate: Decimal,
                          prepared: PreparedLists | None = None) -> OutputFile:
    """``prepared``: the lists as ``list_rows.prepare_lists`` read them (read here when
    not given; the township workbooks' own, so every row is read and rendered once)."""
    out = Path(out)
    lists = _prepared(con, county, mask_ids, prepared).rows
    configured = [t.name for t in county.townships]
    stats, missing, with_status = figures.list_stats(con, configured, county.unknown_township)
    townships = configured + ([county.unknown_township] if county.unknown_township in stats
                              else [])
    progress = {r["township"]: r for r in figures.read_progress(
        con, configured + [county.unknown_township])}
    total = figures.county_total(list(progress.values()), target_rate)

    buffer = io.BytesIO()
    title = f"{county.name}城乡居民基本养老保险数据比对核查清单（全县）"
    book = new_book(buffer, title, county, as_of)
    formats = book_formats(book)
    formats["head"] = book.add_format({"bold": True, "border": 1, "text_wrap": True,
                                       "valign": "vcenter", "align": "center",
                                       "bg_color": "#DDEBF7"})
    formats["total_int"] = book.add_format({"bold": True, "num_format": "0",
                                            "bg_color": "#F2F2F2"})
    formats["total_yuan"] = book.add_format({"bold": True, "num_format": "#,##0.00",
                                             "bg_color": "#F2F2F2"})
    summary = book.add_worksheet(labels.SUMMARY_SHEET)
    footer = _county_line(total)
    rows = 0
    for name, data in lists.items():
        sheet = book.add_worksheet(labels.LIST_TITLE[name])
        _list_sheet(sheet, lists_schema.columns(name), data or [], formats,
                    title=f"{title}——{labels.LIST_TITLE[name]}",
                    right=f"数据截止 {as_of.isoformat()}", footer=footer, answers=False)
        rows += len(data or [])
    _summary(summary, title, as_of, mask_ids, townships, stats, missing, with_status, formats)
    book.close()
    note = None
    if missing:
        note = ("input tables missing: "
                + ", ".join(sorted(f"list_{n}" for n in missing)) + " (sheets header only)")
    return write_bytes(out, out / FILE, buffer.getvalue(), rows, note)


def _county_line(total: dict | None) -> str:
    if not total or total.get("participation_rate") is None:
        return "全县"
    return (f"全县 参保率 {figures.rate_text(total['participation_rate'])}  "
            f"距目标尚差 {total['gap_to_target']} 人")


def _summary(sheet, title, as_of, mask_ids, townships, stats, missing, with_status,
             formats) -> None:
    put = sheet.write_string
    put(0, 0, title, formats["title"])
    put(1, 0, f"数据截止日期：{as_of.isoformat()}　　身份证号码："
        + ("已脱敏显示（仅显示前6位和后4位）" if mask_ids else "完整显示，含个人信息，请妥善保管"))
    money = figures.MONEY_COLUMNS
    headers = (["乡镇（街道）"] + [labels.LIST_TITLE[n] for n in lists_schema.LISTS]
               + ["合计", "其中新增"] + [f"{labels.MONEY_AT_STAKE[c]}（元）" for c in money])
    for j, header in enumerate(headers):
        put(3, j, header, formats["head"])
    sheet.set_row(3, 48)
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, len(lists_schema.LISTS) + 2, 9)
    sheet.set_column(len(lists_schema.LISTS) + 3, len(headers) - 1, 14)
    r = 4
    entries = [(t, stats.get(t, {}), formats["int"], formats["yuan"]) for t in townships]
    entries.append((labels.COUNTY_TOTAL, _county_stats(stats), formats["total_int"],
                    formats["total_yuan"]))
    for township, per, whole, yuan in entries:
        put(r, 0, township, formats["bold"] if township == labels.COUNTY_TOTAL else None)
        for j, name in enumerate(lists_schema.LISTS, start=1):
            if name in missing:
                put(r, j, "—")
            else:
                sheet.write_number(r, j, per.get(name, figures.empty_stats())["rows"], whole)
        summed = figures.township_total(per)
        j = len(lists_schema.LISTS) + 1
        sheet.write_number(r, j, summed["rows"], whole)
        if with_status:
            sheet.write_number(r, j + 1, (summed["status"] or {}).get("new", 0), whole)
        else:
            put(r, j + 1, "—")
        for k, column in enumerate(money, start=j + 2):
            sheet.write_number(r, k, float(summed["money"][column]), yuan)
        r += 1
    put(r + 1, 0, "各清单明细见后续工作表；金额为各清单所列金额之和。"
        + ("" if with_status else "本次清单尚无案件状态，“其中新增”不适用。"))
    sheet.freeze_panes(4, 1)
    layout.print_setup(sheet, title, f"数据截止 {as_of.isoformat()}", repeat_header_row=3)


def _county_stats(stats: dict[str, dict[str, dict]]) -> dict[str, dict]:
    """stats summed over townships, per list."""
    lists = {name for per in stats.values() for name in per}
    return {name: figures.add_stats(per[name] for per in stats.values() if name in per)
            for name in lists}
