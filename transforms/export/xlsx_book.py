"""How every workbook of the export starts: no formulas, no run time, shared formats."""
from __future__ import annotations

import datetime as dt

import xlsxwriter

from transforms.config import County
from transforms.export import sheet_layout as layout
from transforms.export.xlsx_cells import ListSheet


def new_book(buffer, title: str, county: County, as_of: dt.date):
    """A workbook that stores no formula and no run time (created = the as-of date)."""
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_numbers": False, "strings_to_urls": False})
    book.worksheet_class = ListSheet  # the same XML, without a TypeError per cell
    book.set_properties({
        "title": title,
        "author": f"{county.name}城乡居民基本养老保险数据比对",
        "created": dt.datetime.combine(as_of, dt.time()),
    })
    return book


def book_formats(book) -> dict:
    return {
        **layout.answer_formats(book),
        "header": book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1,
                                   "text_wrap": True, "valign": "vcenter"}),
        "check": book.add_format({"bold": True, "bg_color": "#FFF2CC", "border": 1,
                                  "text_wrap": True, "valign": "vcenter"}),
        "money": book.add_format({"num_format": "0.00", "valign": "top"}),
        "int": book.add_format({"num_format": "0", "valign": "top"}),
        "decimal": book.add_format({"num_format": "0.0000", "valign": "top"}),
        "text": book.add_format({"valign": "top"}),
        "yuan": book.add_format({"num_format": "#,##0.00"}),
        "int_left": book.add_format({"num_format": "0", "align": "left"}),
        "int_center": book.add_format({"num_format": "0", "align": "center"}),
        "center": book.add_format({"align": "center"}),
        "percent_left": book.add_format({"num_format": "0.00%", "align": "left"}),
        "percent": book.add_format({"num_format": "0.00%"}),
        "title": book.add_format({"bold": True, "font_size": 14}),
        "bold": book.add_format({"bold": True}),
    }
