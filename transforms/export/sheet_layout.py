"""How every sheet we write prints and what a township may change in it.

- Print: A4 landscape, one page wide and as many pages high as needed, the header
  row repeated on every page, narrow margins, the title (and the township's
  figures) in the page header, page numbers in the footer.
- Protection: no password (anyone can lift it; it keeps slips from damaging the
  columns we read back), autofilter and sort allowed, columns and rows may be
  resized. Only the columns headed ``核查结果`` and ``核查说明`` are unlocked,
  found by their header text wherever they stand.
- Widths by column name, with the evidence text wrapped and its rows made
  tall enough for it.
"""
from __future__ import annotations

import math
import unicodedata

from transforms.export import labels

A4 = 9
ANSWER_HEADERS = (labels.CHECK_RESULT, labels.CHECK_NOTE)
# Print widths (characters) for columns whose text can be long: wrapped at this width.
WRAPPED = {"evidence": 32, "source_name": 9, "enterprise_identity": 11, "reason": 12,
           "action": 13, "death_sources": 11, "match_method": 11, "category": 9, "issue": 13}
FIXED = {"id_number": 19, "source_id_number": 19, "name": 8, "village": 9, "township": 7,
         labels.CHECK_RESULT: 8, labels.CHECK_NOTE: 18, "case_id": 13, "case_status": 8}
MAX_WIDTH = 24
LINE_HEIGHT = 15  # points per line of 11-point text
MAX_LINES = 15
PROTECTION = {"autofilter": True, "sort": True, "format_columns": True, "format_rows": True,
              "select_locked_cells": True, "select_unlocked_cells": True}


def display_width(text: str) -> int:
    """Columns a text takes in Excel: CJK and full-width characters count 2.

    Every cell of every workbook asks this: the characters' classes are counted in C
    (``map``, ``list.count``) rather than one Python step per character."""
    if text.isascii():
        return len(text)
    kinds = list(map(unicodedata.east_asian_width, text))
    return len(kinds) + kinds.count("W") + kinds.count("F")


def header_footer_text(text: str) -> str:
    """Literal text for a page header/footer: & is a control character there."""
    return text.replace("&", "&&")


def print_setup(sheet, title: str, right: str = "", footer: str = "",
                repeat_header_row: int | None = 0) -> None:
    sheet.set_paper(A4)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.6)
    if repeat_header_row is not None:
        sheet.repeat_rows(repeat_header_row)
    header = f'&C&"-,Bold"&12{header_footer_text(title)}'
    if right:
        header += f"&R&9{header_footer_text(right)}"
    # the footer: the figures on the left, the page on the right (255 characters at most)
    foot = f"&L&9{header_footer_text(footer)}" if footer else ""
    foot += "&R&9第 &P 页，共 &N 页"
    sheet.set_header(header[:255], {"margin": 0.3})
    sheet.set_footer(foot[:255], {"margin": 0.3})


def protect(sheet, book_formats: dict, headers: list[str], first_row: int, last_row: int,
            widths: dict[int, float]) -> None:
    """Lock the sheet except the answer columns (by header text), rows below the header."""
    for j, header in enumerate(headers):
        if header in ANSWER_HEADERS:
            fmt = book_formats["answer_wrap" if header == labels.CHECK_NOTE else "answer"]
            sheet.set_column(j, j, widths.get(j, FIXED[header]), fmt)
    sheet.protect("", PROTECTION)


def answer_formats(book) -> dict:
    return {"answer": book.add_format({"locked": False, "bg_color": "#FFFBEA", "border": 1,
                                       "border_color": "#D9D9D9"}),
            "answer_wrap": book.add_format({"locked": False, "text_wrap": True,
                                            "valign": "top", "bg_color": "#FFFBEA",
                                            "border": 1, "border_color": "#D9D9D9"}),
            "wrap": book.add_format({"text_wrap": True, "valign": "top"})}


def column_width(column: str, header: str, longest: int) -> int:
    """Width of a column: fixed for known columns, the wrap width for long texts,
    otherwise as wide as its longest value and half its header (headers wrap onto
    two lines), at most MAX_WIDTH."""
    half = math.ceil(display_width(header) / 2) + 1
    if column in WRAPPED:
        return max(WRAPPED[column], half)
    if column in FIXED:
        return max(FIXED[column], half)
    return min(max(half, longest + 1, 6), MAX_WIDTH)


def lines_needed(text: str, width: int) -> int:
    """Lines a wrapped text takes at ``width`` characters (an estimate, 1 at least)."""
    if not text:
        return 1
    return max(1, sum(math.ceil(max(display_width(part), 1) / max(width - 2, 1))
                      for part in text.split("\n")))


def row_height(lines: int) -> float | None:
    """The height for a row of ``lines`` wrapped lines (None: the default height)."""
    if lines <= 1:
        return None
    return LINE_HEIGHT * min(lines, MAX_LINES) + 3
