"""Personal names: NFKC, separators, traditional -> simplified, a pinyin key."""
from __future__ import annotations

import functools
import re
import unicodedata

MIDDLE_DOT = "\u00b7"
# Look-alike separators in minority names (after NFKC, which folds full-width).
_SEPARATORS = re.compile("[\u2022\u30fb\uff65\u2027\u2219\u22c5\u00b7\u0387\u16eb\u2e31.\uff0e]+")
_DROP = re.compile(r"[\s\x00-\x1f\x7f\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff'\"]+")
WILDCARDS = frozenset("?*")


@functools.lru_cache(maxsize=1)
def _t2s():
    # Imported when first used: pypinyin and opencc load their dictionaries (~1 s),
    # which `recon --help` and a run on an empty inbox never need.
    import opencc

    return opencc.OpenCC("t2s")


def _prepared(raw: object) -> str:
    """A name before traditional -> simplified: NFKC, no spaces, one separator."""
    if raw is None:
        return ""
    text = unicodedata.normalize("NFKC", str(raw))
    text = _DROP.sub("", text)
    return _SEPARATORS.sub(MIDDLE_DOT, text).strip(MIDDLE_DOT)


def normalise_name(raw: object) -> str | None:
    """The comparable form of a name; None when nothing is left."""
    text = _prepared(raw)
    if not text:
        return None
    return _t2s().convert(text)


def normalise_names(raws: list[object]) -> list[str | None]:
    """``normalise_name`` of many names, with one OpenCC call for all of them.

    A prepared name holds no whitespace, so the names travel joined by newlines
    (OpenCC converts phrase by phrase and no phrase spans a newline).
    """
    prepared = [_prepared(r) for r in raws]
    present = [p for p in prepared if p]
    converted = _t2s().convert("\n".join(present)).split("\n") if present else []
    if len(converted) != len(present):  # never seen; stay exact if it happens
        converted = [_t2s().convert(p) for p in present]
    it = iter(converted)
    return [next(it) if p else None for p in prepared]


@functools.lru_cache(maxsize=200_000)
def pinyin_key(name: str | None) -> str | None:
    """Toneless pinyin, space-free, of a normalised name (homophones collide)."""
    if not name:
        return None
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(name, style=Style.NORMAL, errors="default"))
