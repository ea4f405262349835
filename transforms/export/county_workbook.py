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

from transforms import lists_schema
from transforms.config import County
from transforms.export import figures, labels
from transforms.export import sheet_layout as layout
from transforms.export.files import OutputFile, publish, temp_path, write_bytes
from transforms.export.list_rows import PreparedLists
from transforms.export.workbooks import _list_sheet, _prepared
from transforms.export.xlsx_book import book_formats, new_book

FILE = "county.xlsx"
# From this many list rows on, county.xlsx is written by a worker process (measured on
# this machine: below it the worker's start-up, about 0.5 s, costs more than it saves).
WORKER_ROWS = 5000


def write_county_workbook(con: duckdb.DuckDBPyConnection, out: Path, county: County,
                          as_of: dt.date, mask_ids: bool = True, *,
                          target_rate: Decimal,
                          prepared: PreparedLists | None = None) -> OutputFile:
    """``prepared``: the lists as ``list_rows.prepare_lists`` read them (read here when
    not given; the township workbooks' own, so every row is read and rendered once)."""
    with start_county_workbook(con, out, county, as_of, mask_ids, target_rate=target_rate,
                               prepared=prepared, worker=False) as pending:
        return pending.result()


class PendingCountyWorkbook:
    """county.xlsx being written: by a worker process (xlsxwriter is pure Python, so a
    second core writes it while this one writes the township workbooks), or here when
    ``result`` is asked. Use as a context manager: leaving it stops the worker.

    The worker is ``python -m transforms.export.county_worker JOB OUT``: a fresh
    interpreter (a fork would copy the run's DuckDB and Prefect threads mid-work, and
    multiprocessing's spawn runs the caller's main module again); the job is pickled
    to a file beside the output, the bytes come back in the output's temp file."""

    def __init__(self, out: Path, job: tuple, note: str | None, worker: bool) -> None:
        self._out, self._job, self._note = out, job, note
        self._path = out / FILE
        self._proc = None
        if worker:
            self._start()

    def _start(self) -> None:
        import pickle
        import subprocess
        import sys
        import tempfile

        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._job_file = temp_path(self._path).with_suffix(".job")
        self._job_file.write_bytes(pickle.dumps(self._job, pickle.HIGHEST_PROTOCOL))
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by result/__exit__)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "transforms.export.county_worker", str(self._job_file),
             str(temp_path(self._path))], stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=self._errors, env=env)

    def result(self) -> OutputFile:
        rows = sum(len(data or ()) for data in self._job[3].values())
        if self._proc is None:
            data, rows = county_bytes(*self._job)
            return write_bytes(self._out, self._path, data, rows, self._note)
        code = self._proc.wait()
        self._proc = None
        self._job_file.unlink(missing_ok=True)
        self._errors.seek(0)
        errors = self._errors.read().decode("utf-8", "replace")
        self._errors.close()
        if code != 0:
            raise RuntimeError(f"county.xlsx worker failed ({code}):\n{errors[-4000:]}")
        return publish(self._out, temp_path(self._path), self._path, rows, self._note)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        if self._proc is not None:  # left before result(): stop the worker
            self._proc.kill()
            self._proc.wait()
            self._proc = None
            self._job_file.unlink(missing_ok=True)
            temp_path(self._path).unlink(missing_ok=True)
            self._errors.close()


def start_county_workbook(con: duckdb.DuckDBPyConnection, out: Path, county: County,
                          as_of: dt.date, mask_ids: bool = True, *, target_rate: Decimal,
                          prepared: PreparedLists | None = None,
                          worker: bool | None = None) -> PendingCountyWorkbook:
    """Read what county.xlsx shows, and start writing it: in a worker process when
    ``worker`` (None: when the lists hold at least WORKER_ROWS rows, below which the
    worker's start-up costs more than it saves, and ``second_core_free``)."""
    out = Path(out)
    lists = _prepared(con, county, mask_ids, prepared).rows
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
    if worker is None:
        worker = (sum(len(rows or ()) for rows in lists.values()) >= WORKER_ROWS
                  and second_core_free())
    job = (county, as_of, mask_ids, lists, townships, stats, missing, with_status, total)
    return PendingCountyWorkbook(out, job, note, worker)


def second_core_free() -> bool:
    """True when a worker process would get a core of its own: more than one core, and
    fewer processes running on average (the last minute's load) than cores. On a
    machine others keep busy, a worker only shares this run's slice of it, and its
    start-up (about 0.3 s of CPU) is lost (docs/decisions.md, rules-export)."""
    cores = os.cpu_count() or 1
    return cores > 1 and os.getloadavg()[0] < cores


def county_bytes(county: County, as_of: dt.date, mask_ids: bool, lists: dict,
                 townships: list[str], stats: dict, missing: set[str],
                 with_status: frozenset[str], total: dict | None) -> tuple[bytes, int]:
    """The bytes of county.xlsx and its list rows, from what ``start_county_workbook``
    read (no connection: it may run in a worker process)."""
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
    return buffer.getvalue(), rows


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
