"""The fast cell path (export/xlsx_cells.py) writes the bytes xlsxwriter's own
``write_string``/``write_number`` write, on a plain ``Worksheet``: if xlsxwriter's
internals change, this fails instead of the workbooks changing silently."""
from __future__ import annotations

import datetime as dt
import io

import xlsxwriter

from transforms.export.list_rows import TEXT, WRAP, Row, write_rows
from transforms.export.xlsx_cells import ListSheet

ROWS = [
    Row(((0, TEXT, "张三", 4), (1, "int", 7, 1), (2, "money", 1234.5, 7)), None),
    Row(((0, TEXT, "'=SUM(A1)", 9), (3, WRAP, "一行\n两行", None)), 30.0),
    Row((), None),  # a row of NULLs only
    Row((), 20.0),  # no cell, a height: an empty row element
    Row(((1, "decimal", 0.125, 6), (2, "money", -5.0, 5), (4, TEXT, "张三", 4)), None),
    Row(((0, TEXT, "长" * 20000, 40000),), None),  # above half the limit: xlsxwriter's path
    Row(((0, TEXT, "超" * 40000, 80000), (2, "int", 2**40, 13)), 15.0),  # truncated there
    Row(((5, "money", float("1e300"), 9),), None),
]


def _book(fast: bool) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    book.set_properties({"title": "t", "created": dt.datetime(2026, 11, 28)})  # not the clock
    formats = {k: book.add_format({"num_format": f}) for k, f in
               (("int", "0"), ("money", "0.00"), ("decimal", "0.0000"))}
    formats[TEXT] = book.add_format({"valign": "top"})
    formats[WRAP] = book.add_format({"text_wrap": True})
    sheet = book.add_worksheet("list", worksheet_class=ListSheet if fast else None)
    if fast:
        longest = write_rows(sheet, ROWS, formats, 6)
    else:
        longest = [0] * 6
        for i, row in enumerate(ROWS, start=1):
            for j, fmt, shown, width in row.cells:
                (sheet.write_string if fmt in (TEXT, WRAP) else sheet.write_number)(
                    i, j, shown, formats[fmt])
                longest[j] = max(longest[j], width or 0)
            if row.height:
                sheet.set_row(i, row.height)
    sheet.write_string(0, 0, f"header {longest}")  # no format; the widths agree as well
    sheet.write_datetime(0, 1, dt.datetime(2026, 11, 28), formats["int"])  # xlsxwriter's path
    book.close()
    return buffer.getvalue()


def test_fast_cells_write_the_same_bytes():
    fast, plain = _book(True), _book(False)
    assert fast == plain
    assert len(fast) > 1000
