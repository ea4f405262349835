"""CSV through DuckDB's reader: the fast path for the big extracts.

The header is found on the first records (Python ``csv``, a few lines); the data
rows are read by ``read_csv`` with every column as text and strict field counts.
Records whose field count differs from the header's are rejected by DuckDB
(``store_rejects``) and quarantined with their row: the physical line minus the
lines above the data, exact because the file's line count is checked to equal
its records (no record spans lines). A file DuckDB does not read exactly as the
Python reader would (a blank line that would shift the row numbers, a NUL byte,
a record over several lines, any other rejection) raises ``NotFast`` and is read
by the Python path instead.
GB18030/GBK files are transcoded to UTF-8 in a streaming pass first: DuckDB has
no GB18030 decoder offline.
"""
from __future__ import annotations

import codecs
import csv
import io
import logging
import re
import tempfile
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from transforms.config import Table
from transforms.ingest.frame import RawFile, _table
from transforms.ingest.headers import HEADER_SCAN_ROWS, find_header, unique_keys
from transforms.ingest.readers import BAD_ENCODING, NO_HEADER, WholeFileError, csv_delimiter

log = logging.getLogger(__name__)

# Smaller files take the Python path (a few ms); tests lower this to check both agree.
FAST_MIN_BYTES = 1 << 20
_CHUNK = 1 << 20
_HEAD = 1 << 18
# str.isspace() characters: a record of only these is blank (as the Python path's strip).
_SPACES = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
_BLANK = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in _SPACES) + "]*"
_BLANK_LINE = re.compile(rb"\n[ \t]*\r?\n|\r\r")


class NotFast(Exception):
    """The file must be read by the Python path."""


def _is_utf8(data: bytes) -> bool:
    """Whether ``data`` is valid UTF-8, checked by Arrow over the bytes in place (a
    Python decode holds the GIL and builds the whole text: 3.5x slower here)."""
    offsets = pa.py_buffer(np.array([0, len(data)], np.int64))
    text = pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _has_blank_line(data: bytes) -> bool:
    """``_BLANK_LINE.search(data)``: a line of only spaces and tabs (and a CR) between two
    newlines, or two CRs. Only the lines that start with such a byte, found in numpy,
    go to the regex (a regex over the whole file holds the GIL)."""
    # one byte first: memchr, ten times faster than the two-byte search (LF files)
    if b"\r" in data and b"\r\r" in data:
        return True
    view = np.frombuffer(data, np.uint8)
    newlines = np.flatnonzero(view == 10)
    if len(newlines) < 2:
        return False
    first = view[newlines[:-1] + 1]
    lines = np.flatnonzero((first == 32) | (first == 9) | (first == 13) | (first == 10))
    return any(_BLANK_LINE.match(data, newlines[i], newlines[i + 1] + 1) for i in lines)


def _utf8_or_transcode(path: Path, tmp: Path) -> tuple[Path, str, bytes]:
    """The file itself when it is UTF-8, else a UTF-8 copy from GB18030 (streamed), and
    the bytes of the one DuckDB reads (read once: checked here, scanned by the caller)."""
    data = path.read_bytes()
    if _is_utf8(data):
        return path, "utf-8", data
    del data
    decoder = codecs.getincrementaldecoder("gb18030")()
    out = tmp / "utf8.csv"
    try:
        with path.open("rb") as f, out.open("w", encoding="utf-8", newline="") as w:
            while chunk := f.read(_CHUNK):
                w.write(decoder.decode(chunk))
            w.write(decoder.decode(b"", final=True))
    except UnicodeDecodeError as exc:
        raise WholeFileError(BAD_ENCODING, "neither UTF-8 nor GB18030") from exc
    return out, "gb18030", out.read_bytes()


def _head(path: Path) -> tuple[list[list[str]], list[int], str]:
    """The first records, the physical line after each, and the delimiter."""
    with path.open("rb") as f:
        data = f.read(_HEAD)
    text = codecs.getincrementaldecoder("utf-8-sig")().decode(data)
    lines = text.splitlines(keepends=True)
    if len(data) == _HEAD:
        lines = lines[:-1]  # the last line may be cut
    delimiter = csv_delimiter("".join(lines))
    reader = csv.reader(io.StringIO("".join(lines), newline=""), delimiter=delimiter)
    records, ends = [], []
    for record in reader:
        records.append(record)
        ends.append(reader.line_num)
        if len(records) > HEADER_SCAN_ROWS:
            break
    return records, ends, delimiter


def read_csv_fast(path: Path, table: Table) -> RawFile:
    """A CSV file as a RawFile through DuckDB; NotFast when the Python path must read it.

    Its own in-memory connection: a rejected file must not abort the warehouse's
    ingest transaction.
    """
    with duckdb.connect() as con, tempfile.TemporaryDirectory(prefix="recon-csv-") as tmp:
        source, encoding, data = _utf8_or_transcode(path, Path(tmp))
        if b"\x00" in data or _has_blank_line(data):
            raise NotFast("NUL byte or blank line")
        lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
        del data
        records, ends, delimiter = _head(source)
        match = find_header(records, table)
        if match is None:
            raise WholeFileError(NO_HEADER, "no row carries the required columns")
        if match.row_index + 1 >= len(records):
            raise NotFast("no data row in the head")
        width = max(len(records[match.row_index]), len(match.headers))
        if ends[match.row_index] != match.row_index + 1:
            raise NotFast("a header record spans lines")
        columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))  # ints only
        skip = match.row_index + 1
        sql = (f"select * from read_csv($path, header = false, delim = $delim, quote = '\"', "
               f"escape = '\"', skip = $skip, columns = {{{columns}}}, all_varchar = true, "
               "strict_mode = true, null_padding = false, auto_detect = false, "
               "ignore_errors = true, store_rejects = true, parallel = true)")
        try:
            arrow = con.sql(sql, params={"path": str(source), "delim": delimiter,
                                         "skip": skip}).to_arrow_table()
            rejects = con.execute("select distinct line, error_type, csv_line from reject_errors "
                                  "order by line").fetchall()
        except duckdb.Error as exc:
            raise NotFast(f"DuckDB: {exc}") from exc
    log.debug("%s: %d records by DuckDB, %d rejected, %s", path.name, arrow.num_rows,
              len(rejects), encoding)
    mismatched = _mismatched(rejects, skip, width, delimiter, match.headers)
    records = arrow.num_rows + len(rejects)
    if skip + records != lines:  # a record spans lines: line numbers are no row numbers
        raise NotFast(f"{lines} lines for {skip} + {records} records")
    positions = np.arange(1, records + 1, dtype=np.int32)
    if rejects:
        positions = np.delete(positions, [line - skip - 1 for line, _, _ in rejects])
    texts = [_filled(arrow.column(i).combine_chunks()) for i in range(width)]
    numbers = pa.array(positions)
    blank = _blank_records(texts)
    if blank is not None:
        keep = pc.invert(blank)
        numbers = numbers.filter(keep)
        texts = [t.filter(keep) for t in texts]
    return RawFile(keys=unique_keys(match.headers, width), columns=_table(texts),
                   mapping=match.mapping, row_numbers=numbers, numeric_id=None,
                   read=len(numbers) + len(mismatched), mismatched=mismatched,
                   unmapped=match.unmapped)


def _filled(column: pa.Array) -> pa.Array:
    """DuckDB reads an empty field as NULL, csv.reader as ''."""
    return pc.fill_null(column, "") if column.null_count else column


def _blank_records(texts: list[pa.Array]) -> pa.Array | None:
    """Which records hold only whitespace (no data row, as in the Python path); None when
    none does. A record is blank only if its first field is: the other fields are
    looked at only for those few."""
    blank = pc.match_substring_regex(texts[0], f"^{_BLANK}$")
    if not pc.any(blank).as_py():
        return None
    candidates = pc.indices_nonzero(blank)
    joined = pc.binary_join_element_wise(*[t.take(candidates) for t in texts], "") \
        if len(texts) > 1 else texts[0].take(candidates)
    confirmed = pc.match_substring_regex(joined, f"^{_BLANK}$")
    if not pc.any(confirmed).as_py():
        return None
    rows = candidates.filter(confirmed).to_numpy()
    mask = np.zeros(len(texts[0]), dtype=bool)
    mask[rows] = True
    return pa.array(mask)


_FIELD_COUNT = ("TOO MANY COLUMNS", "MISSING COLUMNS")


def _mismatched(rejects: list[tuple], skip: int, width: int, delimiter: str,
                headers: list[str]) -> list[tuple[int, dict]]:
    """(row, raw values) of the records DuckDB rejected for their field count, as the
    Python reader quarantines them; NotFast for any other rejection."""
    out = []
    for line, error, text in rejects:
        if error not in _FIELD_COUNT or text is None:
            raise NotFast(f"line {line}: {error}")
        try:
            # the record without line ends (DuckDB gives a CRLF file's line as "\n...")
            [fields] = list(csv.reader([text.strip("\r\n")], delimiter=delimiter))
        except (csv.Error, ValueError) as exc:
            raise NotFast(f"line {line}: {exc}") from exc
        if len(fields) == width:
            raise NotFast(f"line {line}: {len(fields)} fields after all")
        if "".join(fields).strip():  # a blank record is no data row (Python path)
            out.append((line - skip, dict(zip(unique_keys(headers, len(fields)), fields))))
    return out
