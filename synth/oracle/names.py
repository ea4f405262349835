"""RULES.md §2 name comparison, written out plainly: agree, close, differ."""
from __future__ import annotations

import functools

from synth.oracle.identity import WILDCARDS, normalise_name, pinyin_key


@functools.cache  # a block's names: a few hundred thousand
def norm(raw: str | None) -> str | None:
    return normalise_name(raw)


def compare(a_raw: str | None, b_raw: str | None) -> str:
    """'agree', 'close' or 'differ' for two raw names."""
    a, b = norm(a_raw), norm(b_raw)
    if a is None or b is None:
        return "differ"
    if a == b:
        return "agree"
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if all(a[i] in WILDCARDS or b[i] in WILDCARDS for i in diff):
            return "close"
        if len(a) >= 3 and len(diff) == 1:
            return "close"
    if pinyin_key(a) == pinyin_key(b):
        return "close"
    return "differ"


def agree_or_close(a_raw: str | None, b_raw: str | None) -> bool:
    return compare(a_raw, b_raw) != "differ"
