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
import os
from decimal import Decimal
from pathlib import Path

import duckdb

from transforms import cpu_load, lists_schema
from transforms.config import County
from transforms.export import figures, labels
from transforms.export import sheet_layout as layout
from transforms.export.files import OutputFile, publish, temp_path, write_bytes
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
    with start_county_workbook(con, out, county, as_of, mask_ids, target_rate=target_rate,
                               prepared=prepared, worker=False) as pending:
        return pending.result(prepared)


class PendingCountyWorkbook:
    """county.xlsx being written: by a worker process (xlsxwriter is pure Python, so a
    second core writes it while this one writes the township workbooks), or here when
    ``result`` is asked. Use as a context manager: leaving it stops the worker.

    With a worker (export_worker.py) the workbook is started before any list row is
    rendered: ``add_list`` hands it each list as ``prepare_lists`` renders it, and the
    worker writes that sheet while the next list is rendered here; the worker may also
    write some township workbooks (``worker``, see workbooks.py)."""

    def __init__(self, con, out: Path, header: tuple, rows: int, note: str | None,
                 worker: bool, prepared: PreparedLists | None = None) -> None:
        self._con, self._out, self._header, self._rows, self._note = con, out, header, rows, note
        self._prepared = prepared
        self._path = out / FILE
        self._sent: set[str] = set()
        self.worker = None
        if worker:
            from transforms.export.export_worker import ExportWorker

            self.worker = ExportWorker(out, FILE, header)

    def add_list(self, name: str, rows: list | None) -> None:
        """One list's rendered rows (``prepare_lists``' sink), in the lists' order."""
        if self.worker is not None and name not in self._sent:
            self.worker.send_list(name, rows)
            self._sent.add(name)

    def result(self, prepared: PreparedLists | None = None) -> OutputFile:
        """The published county.xlsx. ``prepared``: the lists as this run rendered them
        (read here when neither this nor ``start_county_workbook`` was given them)."""
        county, as_of, mask_ids, *rest = self._header
        if self.worker is None or len(self._sent) < len(lists_schema.LISTS):
            lists = _prepared(self._con, county, mask_ids, prepared or self._prepared).rows
            if self.worker is None:
                data, rows = county_bytes(county, as_of, mask_ids, lists, *rest)
                return write_bytes(self._out, self._path, data, rows, self._note)
            for name, rows in lists.items():
                self.add_list(name, rows)
        worker, self.worker = self.worker, None
        worker.finish()
        return publish(self._out, temp_path(self._path), self._path, self._rows, self._note)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        if self.worker is not None:  # left before result(): stop the worker
            self.worker.stop()
            self.worker = None


def start_county_workbook(con: duckdb.DuckDBPyConnection, out: Path, county: County,
                          as_of: dt.date, mask_ids: bool = True, *, target_rate: Decimal,
                          prepared: PreparedLists | None = None,
                          worker: bool | None = None,
                          worker_rows: int | None = None) -> PendingCountyWorkbook:
    """Read what county.xlsx shows but the list rows, and start writing it: in a worker
    process when ``worker`` (None: when the lists hold at least ``worker_rows`` rows,
    operations.yaml ``export.worker_rows``, below which the worker's start-up, about
    0.5 s here, costs more than it saves, and ``second_core_free``; give one of the two).
    The rows are ``prepared`` (given here, to ``add_list`` or to ``result``; read when
    none is)."""
    if worker is None and worker_rows is None:
        raise ValueError("give worker, or worker_rows (operations.yaml export.worker_rows)")
    out = Path(out)
    if prepared is not None and prepared.mask_ids != mask_ids:
        raise ValueError("the prepared lists were rendered with another mask_ids")
    configured = [t.name for t in county.townships]
    stats, missing, with_status = figures.list_stats(con, configured, county.unknown_township)
    townships = configured + ([county.unknown_township] if county.unknown_township in stats
                              else [])
    progress = {r["township"]: r for r in figures.read_progress(
        con, configured + [county.unknown_township])}
    total = figures.county_total(list(progress.values()), target_rate)
    note = None
    if missing:
        note = ("input tables missing: "
                + ", ".join(sorted(f"list_{n}" for n in missing)) + " (sheets header only)")
    # list_stats counted every row of every list once (by township and list)
    rows = sum(entry["rows"] for per in stats.values() for entry in per.values())
    if worker is None:
        worker = rows >= worker_rows and second_core_free()
    header = (county, as_of, mask_ids, townships, stats, missing, with_status, total)
    pending = PendingCountyWorkbook(con, out, header, rows, note, worker, prepared)
    if prepared is not None:
        for name, data in prepared.rows.items():
            pending.add_list(name, data)
    return pending


def second_core_free() -> bool:
    """True when a worker process would get a core of its own: more than one core, and
    other processes kept fewer than all but one of them busy since the run started
    (``transforms.cpu_load``). Without that figure (no /proc/stat, or a window under a
    second), the last minute's load must be below the cores. On a
    machine others keep busy, a worker only shares this run's slice of it, and its
    start-up (about 0.3 s of CPU) is lost (docs/decisions.md, rules-export and budget)."""
    cores = os.cpu_count() or 1
    if cores < 2:
        return False
    others = cpu_load.others_cores()
    if others is None:
        return os.getloadavg()[0] < cores
    return others < cores - 1


def county_bytes(county: County, as_of: dt.date, mask_ids: bool, lists: dict,
                 townships: list[str], stats: dict, missing: set[str],
                 with_status: frozenset[str], total: dict | None) -> tuple[bytes, int]:
    """The bytes of county.xlsx and its list rows, from what ``start_county_workbook``
    read (no connection: it may run in a worker process)."""
    book = CountyBook(county, as_of, mask_ids, townships, stats, missing, with_status, total)
    for name, data in lists.items():
        book.add_list(name, data)
    return book.finish()


class CountyBook:
    """county.xlsx written one list sheet at a time, in the lists' order (the worker
    writes each sheet as its rows arrive), its summary sheet last (``finish``)."""

    def __init__(self, county: County, as_of: dt.date, mask_ids: bool, townships: list[str],
                 stats: dict, missing: set[str], with_status: frozenset[str],
                 total: dict | None) -> None:
        self._buffer = io.BytesIO()
        self._title = title = f"{county.name}城乡居民基本养老保险数据比对核查清单（全县）"
        self._book = book = new_book(self._buffer, title, county, as_of)
        self._formats = formats = book_formats(book)
        formats["head"] = book.add_format({"bold": True, "border": 1, "text_wrap": True,
                                           "valign": "vcenter", "align": "center",
                                           "bg_color": "#DDEBF7"})
        formats["total_int"] = book.add_format({"bold": True, "num_format": "0",
                                                "bg_color": "#F2F2F2"})
        formats["total_yuan"] = book.add_format({"bold": True, "num_format": "#,##0.00",
                                                 "bg_color": "#F2F2F2"})
        self._summary_sheet = book.add_worksheet(labels.SUMMARY_SHEET)
        self._footer = _county_line(total)
        self._summary_args = (as_of, mask_ids, townships, stats, missing, with_status)
        self._as_of = as_of
        self.rows = 0

    def add_list(self, name: str, data: list | None) -> None:
        sheet = self._book.add_worksheet(labels.LIST_TITLE[name])
        _list_sheet(sheet, lists_schema.columns(name), data or [], self._formats,
                    title=f"{self._title}——{labels.LIST_TITLE[name]}",
                    right=f"数据截止 {self._as_of.isoformat()}", footer=self._footer,
                    answers=False)
        self.rows += len(data or [])

    def finish(self) -> tuple[bytes, int]:
        _summary(self._summary_sheet, self._title, *self._summary_args, self._formats)
        self._book.close()
        return self._buffer.getvalue(), self.rows


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
