"""townships/<乡镇>.xlsx: one workbook per township for its officers (CONTRACT.md §3).

Choices (documented here and in the package docstring):

- Text is written only with ``write_string`` and the workbook is opened with
  ``strings_to_formulas=False``, so nothing is ever stored as a formula.
  A text that starts with = + - @ tab CR or NUL also gets a leading
  apostrophe character, as in the CSVs: the cell shows ``'=SUM(A1)`` and
  stays text even when an officer edits it and presses Enter (a cell that
  only *holds* text starting with ``=`` becomes a formula on re-entry).
- Dates are text ``YYYY-MM-DD`` (months ``YYYY-MM``): what the CSVs say,
  independent of the locale, and they still sort and filter correctly.
  Money and counts are numbers (money with format ``0.00``).
- With ``mask_ids`` every ID column shows the first 6 and last 4 characters
  (``normalise.id.mask``), and any 15- or 18-character ID inside a text
  (an evidence line) is masked the same way.
- The core properties' created/modified date is the as-of date and
  xlsxwriter stamps zip members 1980-01-01: reruns are byte-identical.
"""
from __future__ import annotations

import datetime as dt
import io
import logging
from decimal import Decimal
from pathlib import Path

import duckdb

from transforms import lists_schema
from transforms.config import County
from transforms.export import figures, labels
from transforms.export import sheet_layout as layout
from transforms.export.csv_lists import list_table
from transforms.export.files import (
    OutputFile,
    publish,
    quote,
    table_columns,
    temp_path,
    write_bytes,
)
from transforms.export.list_rows import PreparedLists, Row, prepare_lists, write_rows
from transforms.export.stamp import STAMP_SHEET, stamp_rows, warehouse_secret
from transforms.export.workbook_summary import percent_text, write_summary
from transforms.export.xlsx_book import book_formats, new_book
from transforms.progress import report as report_progress

log = logging.getLogger(__name__)


def write_township_workbooks(con: duckdb.DuckDBPyConnection, out: Path, county: County,
                             as_of: dt.date, mask_ids: bool = True, *,
                             target_rate: Decimal,
                             prepared: PreparedLists | None = None,
                             worker=None, worker_share: float | None = None) -> list[OutputFile]:
    """Write townships/<乡镇>.xlsx for every configured township, and for the
    unknown township when a list row has it (or a township not configured).

    ``target_rate`` is ``Config.policy.target_rate``; ``prepared`` the lists as
    ``list_rows.prepare_lists`` read them (read here when not given). ``worker``: the
    export's worker process (export_worker.py, which has every list's rows), to write
    the smallest workbooks meanwhile, up to ``worker_share`` of the rows (operations.yaml
    ``export.worker_share``; needed with a worker). Workbooks of an earlier run in the
    same folder that this run did not write are removed.
    """
    if worker is not None and worker_share is None:
        raise ValueError("a worker needs worker_share (operations.yaml export.worker_share)")
    out = Path(out)
    folder = out / "townships"
    folder.mkdir(parents=True, exist_ok=True)
    prepared = _prepared(con, county, mask_ids, prepared)
    configured = [t.name for t in county.townships]
    townships = list(configured)
    if prepared.has_township(county.unknown_township):
        townships.append(county.unknown_township)
    missing = [list_table(n) for n, rows in prepared.rows.items() if rows is None]
    note = f"input tables missing: {', '.join(missing)} (sheets header only)" if missing else None
    stats, _, with_status = figures.list_stats(con, configured, county.unknown_township)
    secret = warehouse_secret(con)
    codes = {t.name: t.code for t in county.townships}
    rows = {t: sum(len(prepared.townships[n].get(t, ())) for n in prepared.townships)
            for t in townships}
    theirs = worker_townships(rows, worker_share) if worker is not None else []
    jobs, books = [], {}
    for township in townships:
        progress = _progress(con, township)
        stamp = stamp_rows(secret, township, codes.get(township, county.code), as_of)
        head = (county, township, as_of, target_rate, mask_ids)
        tail = (progress, stats.get(township, {}), with_status, stamp)
        if township in theirs:
            indices = {name: prepared.indices(name, township) for name in prepared.rows}
            jobs.append((temp_path(folder / f"{township}.xlsx"), (*head, indices, *tail)))
        else:
            books[township] = (head, tail)
    if worker is not None:
        worker.send_townships(jobs)
    written = {}
    for township, (head, tail) in books.items():
        lists = {name: prepared.of(name, township) for name in prepared.rows}
        data, n = _workbook(*head, lists, *tail)
        written[township] = write_bytes(out, folder / f"{township}.xlsx", data, n, note)
        report_progress("export", "workbook", f"{township}.xlsx", rows=n)
    if jobs:
        worker.townships_written()
        for township in theirs:
            path = folder / f"{township}.xlsx"
            written[township] = publish(out, temp_path(path), path, rows[township], note)
            report_progress("export", "workbook", f"{township}.xlsx", rows=rows[township])
    keep = {(out / w.file).name for w in written.values()}
    for stale in sorted(folder.glob("*.xlsx")):
        if stale.name not in keep:
            log.info("removing workbook of an earlier run: %s", stale.name)
            stale.unlink()
    return [written[t] for t in townships]


def worker_townships(rows: dict[str, int], share: float) -> list[str]:
    """The townships whose workbooks the export worker writes: the smallest first, up to
    ``share`` of the rows (operations.yaml ``export.worker_share``; 0.5: the worker also
    writes county.xlsx, as many rows again at a lower cost per row, while this process
    renders the lists and writes the CSVs, so both spend about the same CPU at 2 M
    people, docs/decisions.md fast-steps2)."""
    total, taken, theirs = sum(rows.values()), 0, []
    for township in sorted(rows, key=lambda t: (rows[t], t)):
        if taken + rows[township] > share * total:
            break
        taken += rows[township]
        theirs.append(township)
    return theirs


def _prepared(con, county: County, mask_ids: bool,
              prepared: PreparedLists | None) -> PreparedLists:
    if prepared is None:
        return prepare_lists(con, county, mask_ids)
    if prepared.mask_ids != mask_ids:
        raise ValueError("the prepared lists were rendered with another mask_ids")
    return prepared


def _progress(con, township: str) -> dict | None:
    if table_columns(con, "progress") is None:
        return None
    cols = ", ".join(quote(c) for c in lists_schema.PROGRESS)
    cursor = con.execute(f"select {cols} from progress where township = $t", {"t": township})
    row = cursor.fetchone()
    return dict(zip(lists_schema.PROGRESS, row)) if row else None


def _workbook(county: County, township: str, as_of: dt.date, target_rate: Decimal,
              mask_ids: bool, lists: dict, progress: dict | None,
              stats: dict, with_status: frozenset[str],
              stamp: list[tuple[str, str]]) -> tuple[bytes, int]:
    buffer = io.BytesIO()
    title = f"{county.name}{township}城乡居民基本养老保险数据比对核查清单"
    book = new_book(buffer, title, county, as_of)
    formats = book_formats(book)
    summary = book.add_worksheet(labels.SUMMARY_SHEET)
    footer = _figures_line(township, target_rate, progress)
    rows = 0
    for name, data in lists.items():
        sheet = book.add_worksheet(labels.LIST_TITLE[name])
        _list_sheet(sheet, lists_schema.columns(name), data or [], formats,
                    labels.check_choices(name), title=f"{title}——{labels.LIST_TITLE[name]}",
                    right=f"数据截止 {as_of.isoformat()}", footer=footer)
        rows += len(data or [])
    counts = {name: (None if data is None else len(data)) for name, data in lists.items()}
    write_summary(summary, county, township, as_of, target_rate, mask_ids, counts, progress,
                  formats, stats, with_status, book=book, footer=footer)
    _stamp_sheet(book, stamp)
    book.close()
    return buffer.getvalue(), rows


def _figures_line(township: str, target_rate: Decimal, progress: dict | None) -> str:
    """The township's figures for the page footer of every list sheet."""
    if not progress:
        return township
    parts = [township]
    if progress.get("participation_rate") is not None:
        parts.append(f"参保率 {figures.rate_text(progress['participation_rate'])}")
    if progress.get("gap_to_target") is not None:
        parts.append(f"距{percent_text(target_rate)}目标尚差 {progress['gap_to_target']} 人")
    if progress.get("completion_rate") is not None:
        parts.append(f"任务完成率 {figures.rate_text(progress['completion_rate'])}")
    return "  ".join(parts)


def _stamp_sheet(book, stamp: list[tuple[str, str]]) -> None:
    """The very hidden ``_recon`` sheet (export/stamp.py): how an import knows the
    workbook's township and date, whatever the file is called."""
    sheet = book.add_worksheet(STAMP_SHEET)
    for i, (key, value) in enumerate(stamp):
        sheet.write_string(i, 0, key)
        sheet.write_string(i, 1, value)
    sheet.very_hidden()


def _list_sheet(sheet, cols: tuple[str, ...], rows: list[Row], formats: dict,
                choices: tuple[str, ...] = labels.CHECK_CHOICES, *, title: str,
                right: str = "", footer: str = "", answers: bool = True) -> None:
    """One list: Chinese headers, the rows (rendered by list_rows), the answer columns
    (township workbooks), then widths, wrap, print setup and protection (sheet_layout)."""
    names = list(cols) + ([labels.CHECK_RESULT, labels.CHECK_NOTE] if answers else [])
    headers = [labels.column(c) for c in names]
    for j, header in enumerate(headers):
        fmt = formats["check" if header in layout.ANSWER_HEADERS else "header"]
        sheet.write_string(0, j, header, fmt)
    width = {j: layout.column_width(c, headers[j], 0) for j, c in enumerate(names)}
    longest = write_rows(sheet, rows, formats, len(names))
    last = max(len(rows), 1)
    if answers:
        check_col = names.index(labels.CHECK_RESULT)
        sheet.data_validation(1, check_col, last, check_col, {
            "validate": "list", "source": list(choices),
            "error_title": labels.CHECK_RESULT,
            "error_message": "请从下拉列表选择：" + " / ".join(choices)})
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(rows), len(names) - 1)
    sheet.set_row(0, 32)
    for j, column in enumerate(names):
        width[j] = layout.column_width(column, headers[j], longest[j])
        if headers[j] not in layout.ANSWER_HEADERS:
            sheet.set_column(j, j, width[j])
    layout.print_setup(sheet, title, right, f"{footer}  本表 {len(rows)} 条".strip())
    if answers:
        layout.protect(sheet, formats, headers, 1, last, width)
