"""Dates, months, money, years and townships as the contract writes them."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})(?: \d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
)
_MONTH_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月?$"),
)
_SERIAL = re.compile(r"^\d{4,5}(?:\.0+)?$")
_MONEY = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?$")
EMPTY_TEXTS = frozenset({"", "NAN", "NONE", "NULL", "NAT"})  # upper-cased: a NULL spelt out
_EMPTY = EMPTY_TEXTS


class BadValue(ValueError):
    """A value that is present but cannot be read; never guessed."""


def _text(raw: object) -> str:
    if raw is None:
        return ""
    return unicodedata.normalize("NFKC", str(raw)).strip()


def is_empty(raw: object) -> bool:
    return _text(raw).upper() in _EMPTY


def parse_date(raw: object, *, serial_ok: bool = False) -> dt.date | None:
    """A date from any contract form; None when empty; BadValue when wrong.

    ``serial_ok`` allows an Excel serial number (xlsx/xls cells only).
    """
    text = _text(raw)
    if text.upper() in _EMPTY:
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError as exc:
                raise BadValue(f"no such date: {text}") from exc
    if serial_ok and _SERIAL.match(text):
        serial = int(float(text))
        if 1 <= serial <= 80000:
            return EXCEL_EPOCH + dt.timedelta(days=serial)
    raise BadValue(f"not a date: {text}")


def parse_month(raw: object, *, serial_ok: bool = False) -> dt.date | None:
    """A month (as its first day) from any contract form, or a full date."""
    text = _text(raw)
    if text.upper() in _EMPTY:
        return None
    for pattern in _MONTH_PATTERNS:
        m = pattern.match(text)
        if m:
            month = int(m.group(2))
            if not 1 <= month <= 12:
                raise BadValue(f"no such month: {text}")
            return dt.date(int(m.group(1)), month, 1)
    return parse_date(raw, serial_ok=serial_ok).replace(day=1)


def parse_money(raw: object) -> Decimal | None:
    """Yuan with up to two decimals; thousands separators allowed."""
    text = _text(raw).replace("元", "").replace("¥", "").replace("￥", "").strip()
    if text.upper() in _EMPTY:
        return None
    if not _MONEY.match(text):
        # A spreadsheet number may carry float noise (300.0000001): round only
        # when it is within a thousandth of a fen.
        try:
            value = Decimal(text)
        except InvalidOperation as exc:
            raise BadValue(f"not an amount: {text}") from exc
        rounded = value.quantize(Decimal("0.01"))
        if abs(value - rounded) > Decimal("0.00001"):
            raise BadValue(f"not an amount: {text}")
        return rounded
    return Decimal(text.replace(",", "")).quantize(Decimal("0.01"))


def parse_year(raw: object) -> int | None:
    text = _text(raw).removesuffix("年度").removesuffix("年")
    if text.upper() in _EMPTY:
        return None
    if re.fullmatch(r"\d{4}(?:\.0+)?", text):
        return int(float(text))
    raise BadValue(f"not a year: {text}")


def parse_int(raw: object) -> int | None:
    text = _text(raw).replace(",", "")
    if text.upper() in _EMPTY:
        return None
    if re.fullmatch(r"\d+(?:\.0+)?", text):
        return int(float(text))
    raise BadValue(f"not a whole number: {text}")


def normalise_township(raw: object, names: frozenset[str], aliases: dict[str, str],
                       unknown: str = "未知乡镇") -> str:
    """A configured township name, through the legacy aliases; else ``unknown``."""
    text = re.sub(r"\s+", "", _text(raw))
    text = aliases.get(text, text)
    if text in names:
        return text
    # "乌兰镇人民政府", "靖远县乌兰镇": take a configured name contained in the text.
    hits = [n for n in names if n in text] + [aliases[a] for a in aliases if a in text]
    return hits[0] if len(set(hits)) == 1 else unknown
