"""The list cells into an xlsxwriter worksheet without its per-cell Python overhead.

A list sheet at prefecture scale holds millions of cells, and xlsxwriter spends more
time in its per-call machinery than in the cells (py-spy and cProfile, 2 M people,
78k list rows written twice: the ``convert_cell_args`` decorator, the namedtuple's
Python-level ``__new__``, and in ``close`` a generic ``_write_cell`` whose
``_escape_attributes`` raises and catches a ``TypeError`` for every integer style
index). Here, for what our export writes and nothing else:

- ``ListSheet``, the worksheet class of our workbooks (``xlsx_book.new_book``), writes
  a shared-string or number cell that has a format in one step (the ``<c>`` element
  ``_write_cell`` writes for it: reference, style index, value), inside its own copy
  of ``_write_rows``' loop; every other cell goes to ``Worksheet._write_cell``.
- ``write_cells`` stores what ``Worksheet._write_string``/``_write_number`` store
  (the shared-string index or the number, with its format, and the sheet's
  dimensions) for cells inside the sheet, finite numbers and strings below half
  xlsxwriter's truncation limit; anything else goes through xlsxwriter's own method.

tests/transforms/export/test_xlsx_cells.py holds both ways to the same bytes, so an
xlsxwriter whose internals move fails there instead of changing a workbook silently.
"""
from __future__ import annotations

import math

from xlsxwriter.utility import xl_rowcol_to_cell_fast
from xlsxwriter.worksheet import CellNumberTuple, CellStringTuple, Worksheet

_new = tuple.__new__
_TEXT = frozenset({"text", "wrap"})  # list_rows.TEXT, WRAP: the format keys of a text


class ListSheet(Worksheet):
    """A worksheet with a one-step writer for formatted string and number cells."""

    def _write_rows(self) -> None:
        """``Worksheet._write_rows`` (the same rows, cells and order), its lookups held
        in locals and ``_write_cell`` inlined for the cells it writes in one step."""
        if self.constant_memory:
            super()._write_rows()
            return
        self._calculate_spans()
        table, row_info, comments, spans = self.table, self.row_info, self.comments, \
            self.row_spans
        columns = range(self.dim_colmin, self.dim_colmax + 1)
        write, ref, other = self.fh.write, xl_rowcol_to_cell_fast, super()._write_cell
        string, number = CellStringTuple, CellNumberTuple
        for row_num in range(self.dim_rowmin, self.dim_rowmax + 1):
            line = table[row_num]  # (a defaultdict, as there)
            if not (row_num in row_info or row_num in comments or line):
                continue
            span = spans.get(int(row_num / 16))
            if not line:
                self._write_empty_row(row_num, span, row_info.get(row_num))
                continue
            self._write_row(row_num, span, row_info.get(row_num))
            for col_num in columns:
                if col_num not in line:
                    continue
                cell = line[col_num]
                kind, fmt = cell.__class__, cell.format
                if fmt and kind is string:
                    write(f'<c r="{ref(row_num, col_num)}" s="{fmt._get_xf_index()}" '
                          f't="s"><v>{cell.string}</v></c>')
                elif fmt and kind is number:
                    write(f'<c r="{ref(row_num, col_num)}" s="{fmt._get_xf_index()}">'
                          f'<v>{cell.number:.16G}</v></c>')
                else:
                    other(row_num, col_num, cell)
            self._xml_end_tag("row")

    def _write_cell(self, row: int, col: int, cell) -> None:
        kind, fmt = cell.__class__, cell.format
        if fmt and not self.constant_memory:
            if kind is CellStringTuple:  # what _xml_string_element writes for it
                self.fh.write(f'<c r="{xl_rowcol_to_cell_fast(row, col)}" '
                              f's="{fmt._get_xf_index()}" t="s"><v>{cell.string}</v></c>')
                return
            if kind is CellNumberTuple:  # what _xml_number_element writes for it
                self.fh.write(f'<c r="{xl_rowcol_to_cell_fast(row, col)}" '
                              f's="{fmt._get_xf_index()}"><v>{cell.number:.16G}</v></c>')
                return
        super()._write_cell(row, col, cell)


def write_cells(sheet, rows, formats: dict, columns: int) -> list[int]:
    """``list_rows.write_rows``: the rendered rows below the header row, their row
    heights; the longest width each of ``columns`` asks for."""
    longest = [0] * columns
    if sheet.constant_memory:
        put_string, put_number = sheet._write_string, sheet._write_number
        for i, row in enumerate(rows, start=1):
            for j, fmt, shown, width in row.cells:
                (put_string if fmt in _TEXT else put_number)(i, j, shown, formats[fmt])
                if width is not None and width > longest[j]:
                    longest[j] = width
            if row.height:
                sheet.set_row(i, row.height)
        return longest
    table, index = sheet.table, sheet.str_table._get_shared_string_index
    half, maxrow, maxcol = sheet.xls_strmax // 2, sheet.xls_rowmax, sheet.xls_colmax
    slow_string, slow_number, check = sheet._write_string, sheet._write_number, \
        sheet._check_dimensions
    isfinite, text = math.isfinite, _TEXT
    for i, row in enumerate(rows, start=1):
        cells = row.cells
        if not cells:
            if row.height:
                sheet.set_row(i, row.height)
            continue
        if i >= maxrow:  # outside the sheet: xlsxwriter's own methods refuse each cell
            for j, key, shown, _ in cells:
                (slow_string if key in text else slow_number)(i, j, shown, formats[key])
            continue
        inside, line = True, table[i]
        for j, key, shown, width in cells:
            fmt = formats[key]
            if key in text:
                if inside and j < maxcol and len(shown) <= half:
                    line[j] = _new(CellStringTuple, (index(shown), fmt))
                else:
                    slow_string(i, j, shown, fmt)
            else:
                kind = shown.__class__
                if inside and j < maxcol and (kind is int or (kind is float and isfinite(shown))):
                    line[j] = _new(CellNumberTuple, (shown, fmt))
                else:
                    slow_number(i, j, shown, fmt)
            if width is not None and width > longest[j]:
                longest[j] = width
        # the dimensions each cell's check recorded: the row, its first and last column
        # (a cell outside the sheet changes none, there as here)
        check(i, cells[0][0])
        check(i, cells[-1][0])
        if row.height:
            sheet.set_row(i, row.height)
    return longest
