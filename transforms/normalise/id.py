"""Resident ID numbers (GB 11643): normalise, convert 15 -> 18, check MOD 11-2.

python-stdnum's ``cn.ric`` is not used: it validates the birthplace prefix
against a bundled table and rejects valid 620421 IDs.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import NamedTuple

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"

VALID = "valid"
CONVERTED_15 = "converted_15"
INVALID_CHECKSUM = "invalid_checksum"
INVALID_DATE = "invalid_date"
PRECISION_LOST = "precision_lost"
MISSING = "missing"
STATUSES = (VALID, CONVERTED_15, INVALID_CHECKSUM, INVALID_DATE, PRECISION_LOST, MISSING)

_DROP = re.compile(r"[\s\x00-\x1f\x7f'\"`‘’“”\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff]+")
_SCI = re.compile(r"^([0-9])(?:\.([0-9]+))?E\+?([0-9]{1,3})$")


class NormalisedId(NamedTuple):
    id_number: str | None  # normalised 18 characters, or the cleaned text when invalid
    status: str
    birth_date: dt.date | None  # digits 7-14, when they form a real date


def check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS))
    return CHECK_CHARS[total % 11]


def is_valid18(value: str) -> bool:
    return (
        len(value) == 18
        and value[:17].isdigit()
        and (value[17].isdigit() or value[17] == "X")
        and check_char(value[:17]) == value[17]
        and birth_date_of(value) is not None
    )


def convert15(value: str) -> str:
    """A 15-digit legacy ID as 18: insert 19 after digit 6, append the check."""
    first17 = value[:6] + "19" + value[6:]
    return first17 + check_char(first17)


def birth_date_of(value: str) -> dt.date | None:
    """Digits 7-14 as a date, or None when they are not one."""
    digits = value[6:14]
    if len(digits) != 8 or not digits.isdigit():
        return None
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def sex_of(value: str) -> str | None:
    """'男' or '女' from digit 17 of an 18-character ID."""
    if len(value) >= 17 and value[16].isdigit():
        return "男" if int(value[16]) % 2 else "女"
    return None


def clean(raw: object) -> str:
    """NFKC, drop spaces, quotes, tabs and invisible characters, upper-case x."""
    if raw is None:
        return ""
    text = _DROP.sub("", unicodedata.normalize("NFKC", str(raw))).upper()
    # ="620421..." is how some systems keep Excel from turning an ID into a number
    return text.lstrip("=")


def sci_to_digits(text: str) -> str | None:
    """Scientific notation as Excel shows it (15 significant digits), as digits."""
    m = _SCI.match(text)
    if not m:
        return None
    mantissa = m.group(1) + (m.group(2) or "")
    exponent = int(m.group(3))
    digits = mantissa[:15]
    if exponent + 1 < len(digits) or exponent > 17:  # an ID has 18 digits at most
        return None
    return digits + "0" * (exponent + 1 - len(digits))


def normalise_id(raw: object, *, from_number: bool = False) -> NormalisedId:
    """Normalise one ID and record its status.

    ``from_number`` marks a value a spreadsheet stored as a number: it is
    rendered to 15 significant digits by the reader and is ``precision_lost``
    whatever its check digit says.
    """
    text = clean(raw)
    if not text or text in {"NAN", "NONE", "NULL", "-", "无"}:
        return NormalisedId(None, MISSING, None)
    sci = sci_to_digits(text)
    if sci is not None:
        return NormalisedId(sci, PRECISION_LOST, _surviving_birth_date(sci))
    if from_number and text.isdigit():
        return NormalisedId(text, PRECISION_LOST, _surviving_birth_date(text))
    if len(text) == 15 and text.isdigit():
        converted = convert15(text)
        bd = birth_date_of(converted)
        if bd is None:
            return NormalisedId(text, INVALID_DATE, None)
        return NormalisedId(converted, CONVERTED_15, bd)
    if len(text) == 18 and text[:17].isdigit() and (text[17].isdigit() or text[17] == "X"):
        bd = birth_date_of(text)
        if check_char(text[:17]) != text[17]:
            if text.endswith("000"):
                return NormalisedId(text, PRECISION_LOST, _surviving_birth_date(text))
            return NormalisedId(text, INVALID_CHECKSUM, bd)
        if bd is None:
            return NormalisedId(text, INVALID_DATE, None)
        return NormalisedId(text, VALID, bd)
    return NormalisedId(text, INVALID_CHECKSUM, None)


def _surviving_birth_date(digits: str) -> dt.date | None:
    # Excel keeps 15 significant digits: digits 1-14 (and 15) survive.
    return birth_date_of(digits) if len(digits) == 18 else None


def mask(id_number: str | None) -> str:
    """First 6 and last 4 characters, the rest as '*' (620421********123X)."""
    if not id_number:
        return ""
    if len(id_number) <= 10:
        return id_number
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]
