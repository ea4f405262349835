"""Synthetic resident ID numbers, vectorised, and the ways departments damage them.

Every ID built here is valid (GB 11643, MOD 11-2) and unique; the damage
helpers produce the raw text a department would send.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from synth.oracle.identity import CHECK_CHARS, WEIGHTS, birth_date_of, check_char, excel_rendering

_WEIGHTS = np.array(WEIGHTS, dtype=np.int64)
_CHECKS = np.array(list(CHECK_CHARS))


def check_chars(first17: np.ndarray) -> np.ndarray:
    """Check characters of an array of 17-digit strings."""
    digits = np.frombuffer("".join(first17).encode("ascii"), dtype=np.uint8).reshape(-1, 17)
    total = (digits.astype(np.int64) - 48) @ _WEIGHTS
    return _CHECKS[total % 11]


def build_ids(rng: np.random.Generator, prefixes: np.ndarray, births: np.ndarray,
              male: np.ndarray) -> np.ndarray:
    """Unique valid 18-character IDs: address prefix, birth date, order code, sex, check.

    Collisions of (prefix, birth date, order code) are re-drawn until none is left.
    """
    n = len(prefixes)
    dates = np.datetime_as_string(births.astype("datetime64[D]"), unit="D")
    ymd = np.char.replace(dates, "-", "")
    order = rng.integers(0, 500, n)  # digits 15-17 = order*2 + sex parity
    # (prefix, birth date) as one integer: the 17 digits are equal exactly when it
    # and the sequence number are
    place = pd.factorize(pd.Series(prefixes).str.cat(ymd))[0].astype(np.int64) * 1000
    sex = male.astype(np.int64)
    for _ in range(1000):
        dup = _duplicated(place + order * 2 + sex)
        if not dup.any():
            break
        order[dup] = rng.integers(0, 500, int(dup.sum()))
    else:
        raise ValueError("more than 500 people of one sex born on one day in one place")
    seq = order * 2 + sex
    first17 = np.char.add(np.char.add(prefixes, ymd), np.char.zfill(seq.astype(str), 3))
    return np.char.add(first17, check_chars(first17))


def _duplicated(values: np.ndarray) -> np.ndarray:
    """Every occurrence after the first (in the array's order)."""
    return pd.Series(values).duplicated(keep="first").to_numpy()


def to15(id18: str) -> str:
    """The legacy 15-digit form of an ID of someone born in the 1900s."""
    assert id18[6:8] == "19", id18
    return id18[:6] + id18[8:17]


def _usable(damaged: str) -> bool:
    """A typo that leaves digits 7-14 a real date: the row is still accepted
    (CONTRACT §3: a department row needs a valid ID or a birth date)."""
    return not damaged.endswith("000") and birth_date_of(damaged) is not None


def substitute_digit(rng: np.random.Generator, id18: str) -> str:
    """One digit (of the first 17) replaced by another: the check then fails."""
    while True:
        pos = int(rng.integers(0, 17))
        new = str(int(rng.integers(0, 10)))
        if new != id18[pos]:
            out = id18[:pos] + new + id18[pos + 1:]
            if _usable(out):
                return out


def swap_adjacent(rng: np.random.Generator, id18: str) -> str | None:
    """Two adjacent differing digits of the first 17 swapped; None when all are equal."""
    swaps = [id18[:i] + id18[i + 1] + id18[i] + id18[i + 2:] for i in range(16)
             if id18[i] != id18[i + 1]]
    swaps = [s for s in swaps if _usable(s)]
    return swaps[int(rng.integers(0, len(swaps)))] if swaps else None


def excel_zeroed(id18: str) -> str:
    """The ID after a round trip through Excel and back to text: last digits 000."""
    mantissa, exponent = excel_rendering(id18).split("E+")
    digits = mantissa.replace(".", "")
    return digits + "0" * (int(exponent) + 1 - len(digits))


def excel_safe(id18: str) -> bool:
    """An ID Excel can damage in the usual way: all digits, digits 1-14 survive the
    rounding to 15 significant digits, and the zeroed text fails its check digit."""
    if not id18.isdigit():
        return False
    zeroed = excel_zeroed(id18)
    return zeroed[:14] == id18[:14] and check_char(zeroed[:17]) != zeroed[17]


def twin_id(id18: str, rng: np.random.Generator) -> str:
    """A second valid ID differing from ``id18`` only in digit 16 (and the check).

    Same birth date and sex digit: the pair ``(id18, twin)`` has a damaged ID one
    digit from each (``repair_ambiguity``)."""
    while True:
        d = str(int(rng.integers(0, 10)))
        if d != id18[15]:
            first17 = id18[:15] + d + id18[16]
            return first17 + check_char(first17)


def repair_ambiguity(a: str, b: str) -> str:
    """An ID one substitution from both ``a`` and ``b`` (which differ in digit 16
    and the check): ``a`` with ``b``'s check character."""
    return a[:17] + b[17]
