"""Find the header row of a sheet and map its cells to configured columns.

Departments send the same column under different headers; the accepted
headers of a column are its configured ``header`` and ``aliases``. Header text
is compared after NFKC (full-width brackets and letters become half-width),
without any whitespace (headers often wrap: ``公民身份\\n号码``), lower-cased.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass

from transforms.config import Table

log = logging.getLogger(__name__)

# Up to 3 title rows, a group-header row and the header row itself, plus one spare.
HEADER_SCAN_ROWS = 6
_SPACE = re.compile(r"\s+")
_BRACKETS = str.maketrans({"〔": "(", "〕": ")", "【": "(", "】": ")", "[": "(", "]": ")"})
_NOTES = re.compile(r"\([^()]*\)")


def normalise_header(cell: object) -> str:
    """The comparable form of a header cell ('' for an empty one)."""
    if cell is None:
        return ""
    text = unicodedata.normalize("NFKC", str(cell)).translate(_BRACKETS)
    return _SPACE.sub("", text).lower()


def bare_header(text: str) -> str:
    """A normalised header without required-field marks and bracketed notes:
    ``*公民身份号码`` and ``个人缴费(元)`` read as 公民身份号码 and 个人缴费."""
    return _NOTES.sub("", text).strip("*★☆")


def header_lookup(table: Table) -> dict[str, str]:
    """Normalised header or alias -> column key (the first column in config order wins).

    Exact forms come first; the bare forms (see ``bare_header``) only fill gaps, so
    an alias that keeps its brackets (乡镇(街道)) is never shadowed.
    """
    lookup: dict[str, str] = {}
    texts = [(key, normalise_header(t)) for key, column in table.columns.items()
             for t in (column.header, *column.aliases)]
    for key, text in texts:
        lookup.setdefault(text, key)
    for key, text in texts:
        lookup.setdefault(bare_header(text), key)
    return lookup


@dataclass(frozen=True)
class HeaderMatch:
    row_index: int                # index of the header row in the sheet's rows
    headers: list[str]            # the header text of every column (merged from above)
    mapping: dict[str, int]       # column key -> column index
    unmapped: list[str]           # non-empty header cells that map to no column


def map_headers(cells: list[object], lookup: dict[str, str]) -> tuple[dict[str, int], list[str]]:
    """Column key -> index of its first cell; the texts of cells that map to nothing."""
    mapping: dict[str, int] = {}
    unmapped: list[str] = []
    for index, cell in enumerate(cells):
        text = normalise_header(cell)
        key = lookup.get(text) or lookup.get(bare_header(text))
        if key is not None and key not in mapping:
            mapping[key] = index
        elif text:
            unmapped.append(str(cell).strip())
    return mapping, unmapped


def _merged_with_above(row: list[object], above: list[object] | None,
                       lookup: dict[str, str]) -> list[object]:
    """A header split over two rows: an empty cell takes the header right above it
    (a vertically merged cell keeps its text in the top row only)."""
    if above is None:
        return list(row)
    merged = list(row)
    for index, cell in enumerate(row):
        if normalise_header(cell) == "" and index < len(above) \
                and normalise_header(above[index]) in lookup:
            merged[index] = above[index]
    return merged


def find_header(rows: list[list[object]], table: Table,
                scan: int = HEADER_SCAN_ROWS) -> HeaderMatch | None:
    """The row among the first ``scan`` that maps the most configured columns.

    Returns None when no row carries every required column (the file has no
    recognisable header).
    """
    lookup = header_lookup(table)
    required = {k for k, c in table.columns.items() if c.required}
    best: HeaderMatch | None = None
    for index, row in enumerate(rows[:scan]):
        cells = _merged_with_above(row, rows[index - 1] if index else None, lookup)
        mapping, unmapped = map_headers(cells, lookup)
        if best is None or len(mapping) > len(best.mapping):
            headers = ["" if c is None else str(c).strip() for c in cells]
            best = HeaderMatch(index, headers, mapping, unmapped)
    if best is None or not best.mapping or not required <= best.mapping.keys():
        return None
    return best


def unique_keys(headers: list[str], width: int) -> list[str]:
    """JSON keys for a row's raw values: the original headers, made unique;
    a cell without a header is named by its position (列3)."""
    keys: list[str] = []
    seen: dict[str, int] = {}
    for index in range(width):
        text = headers[index] if index < len(headers) and headers[index] else f"列{index + 1}"
        seen[text] = seen.get(text, 0) + 1
        keys.append(text if seen[text] == 1 else f"{text}({seen[text]})")
    return keys
