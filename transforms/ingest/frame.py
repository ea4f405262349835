"""One readable file as text columns: header found, cells rendered, rows numbered.

Every value becomes text before anything reads it. A spreadsheet number is
rendered the way Excel shows it (15 significant digits, no ``.0`` on whole
numbers), never from the float's binary value; a number in a date or month
column is an Excel date serial.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from transforms.config import Table
from transforms.ingest.headers import find_header, header_lookup, map_headers, unique_keys
from transforms.ingest.readers import CORRUPT_FILE, NO_HEADER, WholeFileError
from transforms.normalise.values import EXCEL_EPOCH

log = logging.getLogger(__name__)

FIELD_COUNT_MISMATCH = "field_count_mismatch"
# Excel serials read as dates: 1927-05-18 .. 2119-01-10. A smaller number in a
# date column is more likely a year than a date before 1927: it is not guessed.
SERIAL_MIN, SERIAL_MAX = 10_000, 80_000


@dataclass
class RawFile:
    """The rows of one file that have the header's shape, as text."""
    keys: list[str]                   # JSON keys of the columns: original headers, unique
    columns: pa.Table                 # every column as text (c0, c1, ...), one row per data row
    mapping: dict[str, int]           # configured column key -> column index
    row_numbers: pa.Array             # 1-based data row of each row (as in quarantine.csv)
    numeric_id: pa.Array | None       # the ID cell held a number (precision lost)
    read: int                         # data rows read, mismatched rows included
    mismatched: list[tuple[int, dict]] = field(default_factory=list)  # (row, raw values)
    unmapped: list[str] = field(default_factory=list)

    def text(self, key: str) -> pa.Array:
        """The text of a configured column; all NULL when the file lacks it."""
        if key not in self.mapping:
            return pa.nulls(self.columns.num_rows, pa.string())
        return self.columns.column(self.mapping[key]).combine_chunks()

    def raw_rows(self, positions: list[int]) -> list[dict]:
        """The raw values of some rows, keyed by the original headers."""
        taken = self.columns.take(pa.array(positions, pa.int64())).to_pylist()
        return [dict(zip(self.keys, row.values())) for row in taken]


def number_text(value: float) -> str:
    """A spreadsheet number as Excel shows it: 15 significant digits, plain digits."""
    if isinstance(value, int) and abs(value) < 10**15:
        return str(value)
    text = format(float(value), ".15g")
    if "e" in text:
        text = format(Decimal(text), "f")
    return text


def cell_text(value: object, kind: str) -> str:
    """Render one spreadsheet cell as text; ``kind`` is the configured column type."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        if kind in ("date", "month") and SERIAL_MIN <= value <= SERIAL_MAX:
            return (EXCEL_EPOCH + dt.timedelta(days=int(value))).isoformat()
        return number_text(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _is_blank(row: list[object]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in row)


def from_grid(rows: list[list[object]], table: Table, *, typed: bool,
              check_width: bool) -> RawFile:
    """A CSV (``check_width``: rows must have the header's field count) or a sheet
    (``typed``: cells may be numbers and dates) as a RawFile."""
    match = find_header(rows, table)
    if match is None:
        raise WholeFileError(NO_HEADER, "no row carries the required columns")
    width = max(len(rows[match.row_index]), len(match.headers))
    keys = unique_keys(match.headers, width)
    kinds = {i: table.columns[k].type for k, i in match.mapping.items()}
    data = rows[match.row_index + 1:]
    if typed:
        numbered = [(n, r) for n, r in enumerate(data, start=1) if not _is_blank(r)]
    else:  # CSV fields are all text: a blank record joins to whitespace
        numbered = [(n, r) for n, r in enumerate(data, start=1) if "".join(r).strip()]
    mismatched: list[tuple[int, dict]] = []
    if any(len(r) != width for _, r in numbered):
        if check_width:
            mismatched = [(n, dict(zip(unique_keys(match.headers, len(r)), r)))
                          for n, r in numbered if len(r) != width]
            numbered = [(n, r) for n, r in numbered if len(r) == width]
        else:
            numbered = [(n, (list(r) + [None] * width)[:width]) for n, r in numbered]
    kept = [r for _, r in numbered]
    numbers = [n for n, _ in numbered]
    read = len(numbered) + len(mismatched)
    columns = list(zip(*kept)) if kept else [()] * width
    arrays, numeric_id = [], None
    for index, cells in enumerate(columns):
        kind = kinds.get(index, "text")
        if typed:
            if kind == "id":
                numeric_id = pa.array([isinstance(c, (int, float)) and not isinstance(c, bool)
                                       for c in cells], pa.bool_())
            cells = [c if c.__class__ is str else cell_text(c, kind) for c in cells]
        arrays.append(pa.array(cells, pa.string()))
    return RawFile(keys=keys, columns=_table(arrays), mapping=match.mapping,
                   row_numbers=pa.array(numbers, pa.int32()), numeric_id=numeric_id,
                   read=read, mismatched=mismatched, unmapped=match.unmapped)


def from_arrow(source: pa.Table, table: Table) -> RawFile:
    """A Parquet table as a RawFile: its column names are the header."""
    headers = [str(name) for name in source.column_names]
    mapping, unmapped = map_headers(headers, header_lookup(table))
    required = {k for k, c in table.columns.items() if c.required}
    if not mapping or not required <= mapping.keys():
        raise WholeFileError(NO_HEADER, "the columns miss required headers")
    kinds = {i: table.columns[k].type for k, i in mapping.items()}
    arrays, numeric_id = [], None
    for index, column in enumerate(source.columns):
        column = column.combine_chunks()
        kind = kinds.get(index, "text")
        # A float has lost an 18-digit ID's last digits; an integer column holds it exactly
        # (CONTRACT §1: an ID never passes through a float).
        is_float = pa.types.is_floating(column.type)
        if kind == "id":
            numeric_id = pc.if_else(pc.is_null(column), False, is_float)
        arrays.append(_arrow_text(column, kind, mapped=index in kinds))
    n = source.num_rows
    return RawFile(keys=unique_keys(headers, len(headers)), columns=_table(arrays),
                   mapping=mapping, row_numbers=pa.array(np.arange(1, n + 1, dtype=np.int32)),
                   numeric_id=numeric_id, read=n, unmapped=unmapped)


def _arrow_text(column: pa.Array, kind: str, mapped: bool = True) -> pa.Array:
    """A Parquet column as text; floats through the spreadsheet rendering, integers exact."""
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return column.cast(pa.string())
    if pa.types.is_floating(column.type):
        encoded = pc.dictionary_encode(column)
        texts = [None if v is None else cell_text(v, kind)
                 for v in encoded.dictionary.to_pylist()]
        return pa.array(texts, pa.string()).take(encoded.indices)
    try:
        return column.cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        if mapped:
            raise WholeFileError(CORRUPT_FILE, f"column of type {column.type}: {exc}") from exc
        # A column no table reads (a nested type, say) only travels as raw text.
        return pa.array([None if v is None else json.dumps(v, ensure_ascii=False, default=str)
                         for v in column.to_pylist()], pa.string())


def _table(arrays: list[pa.Array]) -> pa.Table:
    return pa.table({f"c{i}": a for i, a in enumerate(arrays)}) if arrays \
        else pa.table({"c0": pa.array([], pa.string())})
