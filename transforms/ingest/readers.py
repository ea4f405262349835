"""Open an inbox file: CSV and spreadsheets as a grid of cells, Parquet as Arrow.

A file that cannot be read at all raises ``WholeFileError`` with the reason
code it is quarantined under; nothing here decides what a cell means.
"""
from __future__ import annotations

import csv
import io
import logging
from pathlib import Path

import pyarrow as pa

log = logging.getLogger(__name__)

# Strict decoding, in this order. GBK and GB2312 are subsets of GB18030.
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
BAD_ENCODING = "bad_encoding"
CORRUPT_FILE = "corrupt_file"
NO_HEADER = "no_header"


class WholeFileError(Exception):
    """The file is quarantined whole; ``reason`` is the quarantine code."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def decode_csv(data: bytes, name: str = "") -> tuple[str, str]:
    """(text, encoding) under the first encoding that decodes every byte."""
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding != CSV_ENCODINGS[0]:
            _log_hint(data, name, encoding)
        return text, encoding
    _log_hint(data, name, None)
    raise WholeFileError(BAD_ENCODING, "neither UTF-8 nor GB18030")


def _log_hint(data: bytes, name: str, used: str | None) -> None:
    """charset-normalizer's guess, for the log only: it never decides."""
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:65536]).best()
        guess = best.encoding if best else None
    except Exception:  # noqa: BLE001  (a hint must never break the read)
        guess = None
    log.info("%s: decoded as %s (charset-normalizer suggests %s)", name, used, guess)


def csv_delimiter(text: str, lines: int = 10) -> str:
    """',' unless the first lines are clearly tab-separated (some systems save a
    tab-separated export as .csv). Tabs inside values (an ID typed with a tab) are
    rare next to a comma-separated row's many commas."""
    head = text.splitlines()[:lines]
    commas = sum(line.count(",") for line in head)
    tabs = sum(line.count("\t") for line in head)
    return "\t" if tabs > 2 * commas else ","


def read_csv_grid(path: Path) -> tuple[list[list[str]], str]:
    """Every record of a CSV file as a list of text fields, and the encoding used."""
    text, encoding = decode_csv(path.read_bytes(), path.name)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=csv_delimiter(text)))
    except csv.Error as exc:
        raise WholeFileError(CORRUPT_FILE, f"not a readable CSV: {exc}") from exc
    return rows, encoding


def read_excel_grid(path: Path) -> list[list[object]]:
    """The first sheet of an xlsx/xls workbook as rows of typed cells (calamine)."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise WholeFileError(CORRUPT_FILE, "workbook without sheets")
        rows = workbook.get_sheet_by_index(0).to_python()
    except WholeFileError:
        raise
    except Exception as exc:  # calamine raises its own error per failure kind
        raise WholeFileError(CORRUPT_FILE, f"{type(exc).__name__}: {exc}") from exc
    return [list(row) for row in rows]


def read_parquet_table(path: Path) -> pa.Table:
    import pyarrow.parquet as pq  # imports pyarrow.fs and ssl (~0.5 s): only when needed

    try:
        return pq.read_table(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ...
        raise WholeFileError(CORRUPT_FILE, f"{type(exc).__name__}: {exc}") from exc
