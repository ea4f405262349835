"""Read a returned township workbook without trusting it (CONTRACT §4).

Before anything opens the file: its size against ``max_file_bytes``, that it is a zip
at all, and the sum of its members' declared uncompressed sizes against
``max_unzipped_bytes`` (a zip bomb is refused before it is inflated; Python's zipfile
never inflates a member past its declared size). Then openpyxl opens it read-only
with ``data_only=False``: a formula is read as its text (``=A1``), never evaluated, and
a cached result is never taken for an answer.

Sheets are found by content, not position: every sheet whose first rows hold a header
row with 案件编号 and 核查结果 is a list sheet (Excel, WPS and LibreOffice keep titles, but
a township may insert a title row or move columns); columns are located by header text.
"""
from __future__ import annotations

import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from transforms.export import labels
from transforms.export.stamp import STAMP_SHEET

HEADER_SCAN_ROWS = 10
CASE_HEADER = labels.COLUMN["case_id"]
ANSWER_HEADER = labels.CHECK_RESULT
NOTE_HEADER = labels.CHECK_NOTE


class FileRejected(ValueError):
    """The whole file is refused; ``code`` is a stable reason, the message Chinese."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class AnswerRow:
    sheet: str
    row: int              # the row number the township sees in its spreadsheet
    case_id: str | None   # as typed (text)
    answer: str | None
    note: str | None


@dataclass
class ReturnedWorkbook:
    stamp: dict[str, str] | None
    rows: list[AnswerRow] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)  # the list sheets found


def clean(value) -> str | None:
    """A cell as text: NFKC, trimmed; None when empty. Numbers become their text."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    return text or None


def _header_key(value) -> str:
    return "".join((clean(value) or "").split())


def check_limits(path: Path, max_file_bytes: int, max_unzipped_bytes: int) -> None:
    """Refuse a file too big, not a zip, or inflating past the limit (before opening)."""
    size = path.stat().st_size
    if size > max_file_bytes:
        raise FileRejected("too_big", f"文件过大（{size}字节，上限{max_file_bytes}字节）")
    if not zipfile.is_zipfile(path):
        with open(path, "rb") as handle:
            if handle.read(4) == b"PK\x03\x04":  # a zip cut short (an interrupted copy)
                raise FileRejected("unreadable", "文件已损坏（不完整），无法读取")
        raise FileRejected("not_xlsx", "不是xlsx工作簿（请以.xlsx格式保存后再导入）")
    try:
        with zipfile.ZipFile(path) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileRejected("unreadable", f"文件已损坏，无法读取（{exc}）") from None
    if inflated > max_unzipped_bytes:
        raise FileRejected("zip_bomb", f"解压后过大（{inflated}字节，上限{max_unzipped_bytes}字节），"
                                       "疑似压缩炸弹，未打开")


def read_workbook(path: Path, max_file_bytes: int, max_unzipped_bytes: int) -> ReturnedWorkbook:
    """The stamp and every answered row of a returned workbook, or FileRejected."""
    check_limits(path, max_file_bytes, max_unzipped_bytes)
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 (openpyxl raises many kinds on a damaged file)
        raise FileRejected("unreadable", f"文件已损坏，无法读取（{type(exc).__name__}）") from None
    try:
        result = ReturnedWorkbook(stamp=_stamp(book))
        for sheet in book.worksheets:
            if sheet.title != STAMP_SHEET:
                _read_sheet(sheet, result)
    except FileRejected:
        raise
    except Exception as exc:  # noqa: BLE001 (a damaged sheet: the file is refused whole)
        raise FileRejected("unreadable", f"工作簿内容无法读取（{type(exc).__name__}）") from None
    finally:
        book.close()
    return result


def _stamp(book) -> dict[str, str] | None:
    if STAMP_SHEET not in book.sheetnames:
        return None
    values = {}
    for row in book[STAMP_SHEET].iter_rows(min_row=1, max_row=20, max_col=2, values_only=True):
        if row and row[0] is not None:
            values[str(row[0]).strip()] = "" if len(row) < 2 or row[1] is None else str(row[1])
    return values


def _read_sheet(sheet, result: ReturnedWorkbook) -> None:
    header_at, cols = None, {}
    rows = sheet.iter_rows(values_only=True)
    for number, values in enumerate(rows, start=1):
        if header_at is None:
            cols = _locate(values)
            if CASE_HEADER in cols and ANSWER_HEADER in cols:
                header_at = number
                result.sheets.append(sheet.title)
            elif number >= HEADER_SCAN_ROWS:
                return
            continue
        answer = _cell(values, cols.get(ANSWER_HEADER))
        case_id = _cell(values, cols.get(CASE_HEADER))
        note = _cell(values, cols.get(NOTE_HEADER))
        if clean(answer) is None:
            continue  # not answered (a note alone decides nothing)
        result.rows.append(AnswerRow(sheet.title, number, clean(case_id), clean(answer),
                                     None if note is None else str(note).strip() or None))


def _locate(values) -> dict[str, int]:
    """Header label -> column index: the first header cell that is the label or starts
    with it (a re-saved or re-typed header such as 核查结果（是/否） still counts)."""
    found: dict[str, int] = {}
    for index, value in enumerate(values):
        key = _header_key(value)
        for label in (CASE_HEADER, ANSWER_HEADER, NOTE_HEADER):
            if label not in found and key.startswith(label):
                found[label] = index
    return found


def _cell(values, index: int | None):
    if index is None or index >= len(values):
        return None
    return values[index]
