"""Normalise a table's text columns (RULES §1) and decide which rows are accepted.

Set-wise: each normaliser runs once per distinct value (Arrow dictionary
encoding), and the results are spread back with ``take``. IDs, names, dates
and townships repeat a lot, and opencc/pypinyin are slow per call.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc

from transforms.config import County, Table
from transforms.ingest.staging import ARROW_TYPES, column_outputs
from transforms.normalise.cache import ValueCache
from transforms.normalise.id import CONVERTED_15, MISSING, VALID, normalise_id
from transforms.normalise.name import normalise_names
from transforms.normalise.pinyin import names_pinyin
from transforms.normalise.sql import id_cache, normalise_ids
from transforms.normalise.values import (
    EMPTY_TEXTS,
    BadValue,
    is_empty,
    normalise_township,
    parse_date,
    parse_int,
    parse_money,
    parse_month,
    parse_year,
)

log = logging.getLogger(__name__)

USABLE_ID = (VALID, CONVERTED_15)
_SPACE = re.compile(r"\s+")
_SEX = {"男": "男", "男性": "男", "M": "男", "MALE": "男", "1": "男",
        "女": "女", "女性": "女", "F": "女", "FEMALE": "女", "2": "女"}
_PARSERS: dict[str, tuple[Callable, str]] = {
    "date": (parse_date, "bad_date"), "month": (parse_month, "bad_month"),
    "money": (parse_money, "bad_money"), "year": (parse_year, "bad_year"),
    "int": (parse_int, "bad_number"),
}
# Beyond these a value does not fit its staging type (INTEGER, DECIMAL(18,2)).
_LIMITS = {"int": 2**31, "year": 2**31, "money": 10**16}


def _text(raw: str | None) -> str | None:
    """NFKC, trimmed; None when empty or a NULL spelt out."""
    if raw is None or is_empty(raw):
        return None
    return unicodedata.normalize("NFKC", raw).strip()


def _enum(raw: str | None) -> str | None:
    # No configured enum value holds a space: '正常 参保' is 正常参保.
    text = _text(raw)
    return _SPACE.sub("", text) if text else None


def _sex(raw: str | None) -> str | None:
    text = _text(raw)
    return _SEX.get(text.upper()) if text else None


def per_distinct(values: pa.Array, fn: Callable, types: list[pa.DataType],
                 memo: dict | None = None) -> list[pa.Array]:
    """Apply ``fn`` (value -> tuple of outputs) once per distinct value of ``values``;
    with ``memo`` (value -> outputs, kept for the run), once per value in the run."""
    encoded = pc.dictionary_encode(values)
    distinct = encoded.dictionary.to_pylist()
    if memo is None:
        results = [fn(v) for v in distinct]
    else:
        results = [memo[v] if v in memo else memo.setdefault(v, fn(v)) for v in distinct]
    out = []
    for i, type_ in enumerate(types):
        distinct = pa.array([r[i] for r in results], type_)
        out.append(distinct.take(encoded.indices))
    return out


# str.strip() of an ASCII text: these characters (str.isspace among ASCII)
_ASCII_SPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def _texts(raw: pa.Array, memo: dict | None = None) -> pa.Array:
    """``_text`` of every value: set-wise in Arrow for ASCII values (NFKC leaves ASCII as
    it is), once per distinct value in Python for the others."""
    trimmed = pc.utf8_trim(raw, characters=_ASCII_SPACE)
    empty = pc.is_in(pc.ascii_upper(trimmed), value_set=pa.array(sorted(EMPTY_TEXTS)))
    out = pc.if_else(empty, pa.scalar(None, pa.string()), trimmed)
    other = pc.invert(pc.fill_null(pc.string_is_ascii(raw), True))
    if not pc.any(other).as_py():
        return out
    (slow,) = per_distinct(raw.filter(other), lambda v: (_text(v),), [pa.string()], memo)
    return pc.replace_with_mask(out, other, slow)


def _parse(kind: str) -> Callable:
    parser, code = _PARSERS[kind]
    limit = _LIMITS.get(kind)

    def parse(raw: str | None):
        try:
            value = parser(raw)
        except (BadValue, ValueError, ArithmeticError):
            # ArithmeticError: Decimal and float overflow on absurd values (1E+999999).
            return None, code
        if value is not None and limit is not None and abs(value) >= limit:
            return None, code
        return value, None
    return parse


def normalise_columns(table: Table, texts: dict[str, pa.Array], numeric_id: pa.Array | None,
                      county: County, names_cache: NameCache | None = None,
                      ) -> tuple[dict[str, pa.Array], list[pa.Array]]:
    """Staging columns from text columns, and the parse errors (one array per column).

    ``names_cache`` (names and IDs normalised so far) is shared by the tables of one
    run: the same people appear in most tables.
    """
    cache = NameCache() if names_cache is None else names_cache
    out: dict[str, pa.Array] = {}
    errors: list[pa.Array] = []
    for key, column in table.columns.items():
        raw = texts[key]
        names = [n for n, _ in column_outputs(key, column.type)]
        types = [ARROW_TYPES[t] for _, t in column_outputs(key, column.type)]
        if column.type == "id":
            # Set-wise in SQL (every ID is distinct); the Python reference for the rest.
            number, status, birth = normalise_ids(raw, numeric_id, _id_reference, cache.ids)
            out.update(zip(names, (number, _raw(raw), status, birth)))
        elif column.type == "name":
            name, pinyin = _names(raw, [types[0], types[2]], cache)
            out.update(zip(names, (name, _raw(raw), pinyin)))
        elif column.type == "township":
            fn = lambda v: (normalise_township(v, county.township_names, county.aliases,
                                               county.unknown_township),)
            (township,) = per_distinct(pc.fill_null(raw, ""), fn, types[:1],
                                       cache.memo("township"))
            out.update(zip(names, (township, _raw(raw))))
        elif column.type in _PARSERS:
            value, error = per_distinct(raw, _parse(column.type), [types[0], pa.string()],
                                        cache.memo(column.type))
            out[key] = value
            errors.append(error)
        elif column.type in ("sex", "enum"):
            fn = {"sex": _sex, "enum": _enum}[column.type]
            (out[key],) = per_distinct(raw, lambda v, fn=fn: (fn(v),), types,
                                       cache.memo(column.type))
        else:
            out[key] = _texts(raw, cache.memo("text")).cast(types[0])
    return out, errors


def _id_reference(text: str, from_number: bool):
    result = normalise_id(text, from_number=from_number)
    return result.id_number, result.status, result.birth_date


class NameCache:
    """The normalised values of one run: raw name -> (name, pinyin), and (``ids``)
    raw ID -> (id_number, status, birth date), as Arrow columns (``ValueCache``).

    Shared by the tables of a run (the same people appear in most tables): a table's
    distinct names and IDs are looked up, and only those not seen yet go through
    Python (OpenCC and pypinyin) or the ID SQL.
    """

    def __init__(self) -> None:
        self.names = ValueCache([pa.string(), pa.string()])
        self.ids = id_cache()
        self._memos: dict[str, dict] = {}

    def memo(self, kind: str) -> dict:
        """raw text -> outputs of the per-distinct normaliser of a column type (dates,
        money, townships, enums...; their values recur across tables)."""
        return self._memos.setdefault(kind, {})

    def __len__(self) -> int:
        return len(self.names)

    def lookup(self, distinct: pa.Array) -> list[pa.Array]:
        """(name, pinyin) of every raw name of ``distinct`` (distinct, no NULL)."""
        return self.names.lookup(distinct, None, _normalised_names)


def _normalised_names(raw: pa.Array, _flags: pa.Array) -> list[pa.Array]:
    names = normalise_names(raw.to_pylist())
    return [pa.array(names, pa.string()), pa.array(names_pinyin(names), pa.string())]


def _names(values: pa.Array, types: list[pa.DataType], cache: NameCache) -> list[pa.Array]:
    """Names and their pinyin keys; Python runs only for names not yet in ``cache``."""
    encoded = pc.dictionary_encode(values)
    distinct = cache.lookup(encoded.dictionary)
    return [d.take(encoded.indices).cast(t) for d, t in zip(distinct, types)]  # NULL stays


def _raw(raw: pa.Array) -> pa.Array:
    """Raw text as read; an empty cell is NULL."""
    blank = pc.or_(pc.equal(raw, ""), pc.utf8_is_space(raw))  # no trimmed copy made
    return pc.if_else(blank, None, raw)


def _when(condition: pa.Array, code: str) -> pa.Array:
    return pc.if_else(pc.fill_null(condition, False), code, None)


def row_reasons(table: Table, out: dict[str, pa.Array], texts: dict[str, pa.Array],
                errors: list[pa.Array], n: int) -> pa.Array:
    """The quarantine reason of every row (NULL when accepted), CONTRACT §1 "Bad input".

    Order: a value that cannot be read; the identity (ledger: a usable ID;
    department: a usable ID, or a name and a birth date); the death date of a
    death record; any other required field.
    """
    checks = list(errors)
    id_key = next((k for k, c in table.columns.items() if c.type == "id"), None)
    if id_key is not None and table.kind != "reference":
        status = out["id_status"]
        usable = pc.is_in(status, pa.array(USABLE_ID))
        if table.kind == "ledger":
            missing = pc.equal(status, MISSING)
            checks.append(_when(pc.and_(pc.invert(usable), missing), "missing_id"))
            checks.append(_when(pc.invert(usable), "invalid_id"))
        else:
            name_key = next((k for k, c in table.columns.items() if c.type == "name"), None)
            birth = out["id_birth_date"]
            if "birth_date" in out:
                birth = pc.coalesce(out["birth_date"], birth)
            has_name = pc.is_valid(out[name_key]) if name_key else pa.repeat(False, n)
            identity = pc.or_(usable, pc.and_(has_name, pc.is_valid(birth)))
            checks.append(_when(pc.invert(identity), "no_id_no_birth_date"))
    if table.death is not None:
        rule = table.death
        death = pa.repeat(True, n) if n else pa.array([], pa.bool_())
        if rule.status_column:
            death = pc.and_(death, pc.equal(out[rule.status_column], rule.status_value))
        if rule.reason_column:
            death = pc.and_(death, pc.equal(out[rule.reason_column], rule.reason_value))
        checks.append(_when(pc.and_(death, pc.is_null(out[rule.date_column])),
                            "missing_death_date"))
    for key, column in table.columns.items():
        if not column.required or column.type == "id":
            continue
        value = _raw(texts[key]) if column.type == "township" else out[key]
        checks.append(_when(pc.is_null(value), f"missing_{key}"))
    if not checks:
        return pa.nulls(n, pa.string())
    return pc.coalesce(*checks) if len(checks) > 1 else checks[0]
