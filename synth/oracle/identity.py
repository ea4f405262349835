"""RULES.md §1 (normalising an ID, normalising a name) and the toneless pinyin of §2,
written from the wording alone: the oracle shares no code with ``transforms.normalise``,
so a slip in the product's normalisers shows up as a difference from the truth.

Readings taken where RULES leaves room (see README.md beside the package):
- "invisible characters" are the Unicode control, format and separator categories
  (Cc, Cf, Zs, Zl, Zp); "apostrophes" are ' ‘ ’ and `.
- "missing" is nothing left after cleaning, or a placeholder: 无 - NULL NONE NAN.
- "trailing zeros" are the last three digits: Excel keeps 15 significant digits of 18.
- An ID of any other shape (wrong length, letters) cannot pass the check: invalid_checksum.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from typing import NamedTuple

import opencc
from pypinyin import Style, lazy_pinyin

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
VALID, CONVERTED_15, INVALID_CHECKSUM = "valid", "converted_15", "invalid_checksum"
INVALID_DATE, PRECISION_LOST, MISSING = "invalid_date", "precision_lost", "missing"

_INVISIBLE = frozenset(("Cc", "Cf", "Zs", "Zl", "Zp"))
_APOSTROPHES = frozenset("'\u2018\u2019`")
_PLACEHOLDERS = frozenset(("无", "-", "NULL", "NONE", "NAN"))
_SCIENTIFIC = re.compile(r"([0-9])\.?([0-9]*)E\+?([0-9]+)")
SEPARATORS = frozenset("\u2022\u30fb.\uff0e")  # • ・ . ．  (→ U+00B7)
WILDCARDS = frozenset("?*")


class Id(NamedTuple):
    idn: str | None
    status: str
    birth: dt.date | None


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


def birth_date_of(digits: str) -> dt.date | None:
    """Digits 7–14 as a date, or None."""
    part = digits[6:14]
    if len(part) != 8 or not part.isdigit():
        return None
    try:
        return dt.date(int(part[:4]), int(part[4:6]), int(part[6:]))
    except ValueError:
        return None


def _strip(raw: object, drop_apostrophes: bool) -> str:
    text = unicodedata.normalize("NFKC", "" if raw is None else str(raw))
    return "".join(c for c in text if unicodedata.category(c) not in _INVISIBLE
                   and not (drop_apostrophes and c in _APOSTROPHES))


def normalise_id(raw: object) -> Id:
    text = _strip(raw, drop_apostrophes=True).replace("x", "X")
    if not text or text.upper() in _PLACEHOLDERS:
        return Id(None, MISSING, None)
    sci = _SCIENTIFIC.fullmatch(text)
    if sci:  # 6.20421198001011E+17: what a spreadsheet shows of a number
        digits = (sci[1] + sci[2]).ljust(int(sci[3]) + 1, "0")
        ok = len(digits) == 18
        return Id(digits if ok else None, PRECISION_LOST, birth_date_of(digits) if ok else None)
    if len(text) == 15 and text.isdigit():
        first17 = text[:6] + "19" + text[6:]
        birth = birth_date_of(first17)
        if birth is None:
            return Id(text, INVALID_DATE, None)
        return Id(first17 + check_char(first17), CONVERTED_15, birth)
    if len(text) != 18 or not text[:17].isdigit() or text[17] not in "0123456789X":
        return Id(text, INVALID_CHECKSUM, None)
    birth = birth_date_of(text)
    if check_char(text[:17]) != text[17]:
        return Id(text, PRECISION_LOST if text.endswith("000") else INVALID_CHECKSUM, birth)
    return Id(text, VALID, birth) if birth else Id(text, INVALID_DATE, None)


def excel_rendering(id18: str) -> str:
    """What a spreadsheet shows of an ID stored as a number: 15 significant digits."""
    return f"{float(id18):.14E}"


@functools.lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalise_name(raw: object) -> str | None:
    """NFKC, no spaces or invisible characters, separators as ·, simplified; None if empty."""
    if raw is None:
        return None
    text = "".join("\u00b7" if c in SEPARATORS else c for c in _strip(raw, drop_apostrophes=False))
    return _t2s().convert(text) if text else None


@functools.cache
def pinyin_key(name: str | None) -> str | None:
    """Toneless pinyin of a normalised name, joined (homophones share it)."""
    return "".join(lazy_pinyin(name, style=Style.NORMAL)) if name else None
