"""The case number a township reads out on the telephone (CONTRACT §3 ``case_id``).

``SW-000123-7``: two letters naming the list (the pinyin initials of its Chinese
title), a six-digit serial number per list (more digits once a list passes
999 999 cases), and a Damm check digit over the serial. The check digit catches every
single mistyped digit and every swap of two adjacent digits, the usual misreadings on
the telephone. The serial is a counter in the warehouse: nothing of the ID number is
in it (a hash of an ID would be no mask, 10⁷ possibilities per county).
"""
from __future__ import annotations

import re
import unicodedata

PREFIX = {
    "deceased_accounts": "SW",     # 死亡未销户
    "funeral_grants": "SZ",        # 丧葬补助金
    "lapsed_payers": "DJ",         # 断缴
    "enterprise_scheme": "QY",     # 企业职工养老保险
    "special_groups": "TS",        # 特殊群体
    "contribution_issues": "JF",   # 缴费
    "unenrolled_residents": "WC",  # 未参保
    "review_queue": "FH",          # 复核
}
LIST_OF_PREFIX = {v: k for k, v in PREFIX.items()}

_DAMM = ("0317598642", "7092154863", "4206871359", "1750983426", "6123045978",
         "3674209581", "5869720134", "8945362017", "9438617205", "2581436790")
_SHAPE = re.compile(r"^([A-Z]{2})-?([0-9]{6,})-?([0-9])$")


def check_digit(digits: str) -> str:
    """The Damm check digit of a string of digits."""
    interim = 0
    for ch in digits:
        interim = int(_DAMM[interim][int(ch)])
    return str(interim)


def format_case_id(list_name: str, serial: int) -> str:
    digits = f"{serial:06d}"
    return f"{PREFIX[list_name]}-{digits}-{check_digit(digits)}"


def normalise_case_id(text: object) -> str | None:
    """The canonical form of a case number as typed or re-saved (full-width characters,
    spaces, lower case, no dashes); None when it cannot be one of ours."""
    if text is None:
        return None
    value = unicodedata.normalize("NFKC", str(text)).upper()
    value = re.sub(r"[—–‐‑]", "-", value)
    value = re.sub(r"[\s'’‘]+", "", value)
    match = _SHAPE.match(value)
    if not match or match.group(1) not in LIST_OF_PREFIX:
        return None
    prefix, digits, check = match.groups()
    if check_digit(digits) != check:
        return None
    return f"{prefix}-{digits}-{check}"
