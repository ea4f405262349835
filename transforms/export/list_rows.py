"""The list rows every workbook shows, read and rendered once per export.

The township workbooks and county.xlsx show the same rows the same way (a township's
sheet is its part of the county's). ``prepare_lists`` reads every list table once in
its total output order, renders every cell once (what the cell shows, its number
format, the width it asks of its column, the height its wrapped text asks of its
row) and notes which workbook each row belongs to. A township's rows keep the
county's order: the order is total, so a part of it is the part's own order.
Each sheet then only writes the prepared cells (``write_rows``).

Before this, every workbook ran one query per list with its township filter and
rendered its rows again: 19 × 8 + 8 queries, and every cell rendered twice
(docs/decisions.md, rules-export).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

import duckdb

from transforms import lists_schema
from transforms.config import County
from transforms.export import labels, xlsx_cells
from transforms.export import sheet_layout as layout
from transforms.export.csv_lists import list_table
from transforms.export.files import quote, require_columns, table_columns
from transforms.export.formatting import (
    ID_COLUMNS,
    LIST_SORT,
    MONEY,
    MONTHS,
    escape_text,
    order_sql,
)
from transforms.normalise.id import mask

_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])([0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9A-Za-z])")
_CODED = {"reason": labels.REASON, "issue": labels.REASON, "action": labels.REASON,
          "match_method": labels.METHOD, "source": labels.SOURCE,
          "case_status": labels.STATUS}
# The format key of a text cell; a wrapped text is "wrap"; a number has its own key.
TEXT, WRAP = "text", "wrap"


@dataclass(frozen=True)
class Row:
    """One rendered list row: its cells ``(column, format key, shown, width)`` (no cell
    for a NULL; ``width`` is None where the column's width does not follow its values)
    and the row height its wrapped texts need (None: the default)."""
    cells: tuple[tuple[int, str, object, int | None], ...]
    height: float | None


@dataclass
class PreparedLists:
    """Every list's rendered rows (None: the list table is missing), per workbook
    township the indices of its rows, and the ID masking they were rendered with."""
    mask_ids: bool
    rows: dict[str, list[Row] | None]
    townships: dict[str, dict[str, list[int]]] = field(default_factory=dict)

    def of(self, name: str, township: str | None = None) -> list[Row] | None:
        """The rows of list ``name``: all of them, or those of one workbook township."""
        rows = self.rows[name]
        if rows is None or township is None:
            return rows
        return [rows[i] for i in self.indices(name, township)]

    def indices(self, name: str, township: str) -> list[int] | None:
        """The positions in ``rows[name]`` of one workbook township's rows (None: the
        list table is missing)."""
        if self.rows[name] is None:
            return None
        return self.townships[name].get(township, [])

    def has_township(self, township: str) -> bool:
        return any(township in per for per in self.townships.values())


def list_tables(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str] | None]:
    """Every list's column types (None when its table is missing), checked against
    the contract's columns."""
    tables = {}
    for name in lists_schema.LISTS:
        types = table_columns(con, list_table(name))
        if types is not None:
            require_columns(list_table(name), types, lists_schema.columns(name))
        tables[name] = types
    return tables


def prepare_lists(con: duckdb.DuckDBPyConnection, county: County,
                  mask_ids: bool = True, sink=None) -> PreparedLists:
    """Read and render every list once (module docstring). A row whose township is
    not configured (or NULL) belongs to the unknown township's workbook. ``sink``,
    when given, is called with each list's name and rendered rows (None: the table is
    missing) as soon as they are (the export worker writes them meanwhile)."""
    configured = {t.name for t in county.townships}
    rows: dict[str, list[Row] | None] = {}
    townships: dict[str, dict[str, list[int]]] = {}
    for name, types in list_tables(con).items():
        if types is None:
            rows[name] = None
            if sink is not None:
                sink(name, None)
            continue
        cols = lists_schema.columns(name)
        select = ", ".join(f"src.{quote(c)}" for c in cols)
        sql = (f"select {select} from {quote(list_table(name))} as src "
               f"order by {order_sql(lists_schema.sort_columns(name), LIST_SORT)}")
        data = con.execute(sql).fetchall()
        where = cols.index("township")
        render = renderer(cols, mask_ids)
        rows[name] = [render(row) for row in data]
        per: dict[str, list[int]] = {}
        for i, row in enumerate(data):
            township = row[where]
            key = township if township in configured else county.unknown_township
            per.setdefault(key, []).append(i)
        townships[name] = per
        if sink is not None:
            sink(name, rows[name])
    return PreparedLists(mask_ids, rows, townships)


def renderer(cols: tuple[str, ...], mask_ids: bool):
    """row (a tuple of the list's columns) -> its rendered ``Row``."""
    cells = [_cell(c, mask_ids) for c in cols]
    wrapped = {j: layout.WRAPPED[c] for j, c in enumerate(cols) if c in layout.WRAPPED}
    widths: dict[str, int] = {}  # townships, villages, labels repeat: measured once each

    def display_width(text: str) -> int:
        width = widths.get(text)
        if width is None:
            width = widths[text] = layout.display_width(text)
        return width

    def render(row: tuple) -> Row:
        out = []
        lines = 1
        for j, value in enumerate(row):
            if value is None:
                continue
            shown, fmt = cells[j](value)
            if fmt is None:
                if j in wrapped:
                    out.append((j, WRAP, shown, None))
                    lines = max(lines, layout.lines_needed(shown, wrapped[j]))
                else:
                    out.append((j, TEXT, shown, display_width(shown)))
            else:
                out.append((j, fmt, shown, len(f"{shown:.2f}")))
        return Row(tuple(out), layout.row_height(lines))
    return render


def write_rows(sheet, rows: list[Row], formats: dict, columns: int) -> list[int]:
    """Write the rows below the header; the longest value of each of ``columns``."""
    return xlsx_cells.write_cells(sheet, rows, formats, columns)


def _cell(column: str, mask_ids: bool):
    """value -> (what the cell shows, number format key or None for text)."""
    def text(value: str) -> tuple[str, None]:
        if mask_ids and len(value) >= 15:  # an ID in it has 15 characters at least
            value = _ID_IN_TEXT.sub(lambda m: mask(m.group(1)), value)
        return escape_text(value), None

    if column in ID_COLUMNS:
        return lambda v: (escape_text(mask(str(v)) if mask_ids else str(v)), None)
    if column in _CODED:
        table = _CODED[column]
        return lambda v: text(labels.code(str(v), table))
    if column == "death_sources":
        return lambda v: text(labels.sources(str(v)))

    def by_kind(kind: type):
        """How a value of class ``kind`` is shown (the tests in this order, once per class)."""
        if issubclass(kind, bool):
            return lambda v: ((labels.YES if v else labels.NO), None)
        if issubclass(kind, (dt.date, dt.datetime)):
            shape = "%Y-%m" if column in MONTHS else "%Y-%m-%d"
            return lambda v: (v.strftime(shape), None)
        if issubclass(kind, (int, Decimal, float)) and column in MONEY:
            return lambda v: (float(v), "money")
        if issubclass(kind, int):
            return lambda v: (v, "int")
        if issubclass(kind, (Decimal, float)):
            return lambda v: (float(v), "decimal")
        return lambda v: text(str(v))

    kinds: dict[type, object] = {}

    def generic(value):
        show = kinds.get(value.__class__)
        if show is None:
            show = kinds[value.__class__] = by_kind(value.__class__)
        return show(value)
    return generic
