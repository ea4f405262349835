"""The SQL normalisers agree with the Python reference on generated inputs."""
from __future__ import annotations

import datetime as dt

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transforms.normalise.id import check_char, normalise_id
from transforms.normalise.sql import id_cache, normalise_ids, run

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
# The characters the SQL knows, and some it must hand to Python.
DOMAIN = "0123456789xXeE=.+ \t\n\r'\"`‘’“”０１２３４５６７８９ｘＸｅＥ＝．＋　"
OTHER = "-无①²ⅩNULＮ\u200b\x00\ufeff,a"


def _reference(text: str, from_number: bool):
    r = normalise_id(text, from_number=from_number)
    return r.id_number, r.status, r.birth_date


@st.composite
def id_texts(draw) -> str:
    """IDs as departments send them: valid, damaged, 15-digit, scientific, dressed up."""
    born = draw(st.dates(dt.date(1900, 1, 1), dt.date(2025, 12, 31)))
    first17 = "620421" + born.strftime("%Y%m%d") + draw(st.from_regex(r"\A[0-9]{3}\Z"))
    kind = draw(st.sampled_from(["valid", "bad_check", "zeros", "15", "sci", "short",
                                 "bad_date", "noise", "other"]))
    if kind == "valid":
        text = first17 + check_char(first17)
    elif kind == "bad_check":
        text = first17 + draw(st.sampled_from("0123456789Xx"))
    elif kind == "zeros":
        text = first17[:15] + "000"
    elif kind == "15":
        text = first17[:6] + first17[8:] if draw(st.booleans()) else first17[:15]
    elif kind == "sci":
        digits = draw(st.from_regex(r"\A[1-9][0-9]{0,25}\Z"))
        text = f"{digits[0]}.{digits[1:]}E+{draw(st.integers(0, 20))}" if len(digits) > 1 \
            else f"{digits}E{draw(st.integers(0, 20))}"
    elif kind == "short":
        text = draw(st.from_regex(r"\A[0-9]{0,20}\Z"))
    elif kind == "bad_date":
        text = "620421" + draw(st.sampled_from(["00000101", "19701301", "19700230"])) + "0012"
    elif kind == "noise":
        text = draw(st.text(alphabet=DOMAIN, max_size=22))
    else:
        text = draw(st.text(alphabet=DOMAIN + OTHER, max_size=22))
    # dress-up: full width, spaces, quotes, ="..."
    if draw(st.booleans()):
        text = text.translate(str.maketrans("0123456789xX", "０１２３４５６７８９ｘＸ"))
    if draw(st.booleans()):
        text = draw(st.sampled_from(["", " ", "'", "\t", "="])) + text + \
            draw(st.sampled_from(["", " ", '"', "\t"]))
    return text


@SETTINGS
@given(st.lists(st.tuples(id_texts(), st.booleans()), min_size=1, max_size=40))
def test_sql_ids_agree_with_the_python_reference(cases):
    raw = pa.array([t for t, _ in cases], pa.string())
    numbers = pa.array([n for _, n in cases], pa.bool_())
    number, status, birth = normalise_ids(raw, numbers, _reference)
    got = list(zip(number.to_pylist(), status.to_pylist(), birth.to_pylist()))
    assert got == [_reference(t, n) for t, n in cases]


@SETTINGS
@given(st.lists(id_texts(), min_size=1, max_size=40))
def test_the_sql_alone_agrees_on_its_domain(texts):
    """No fallback: every value the SQL claims is computed by the SQL itself."""
    table = run("select domain, id_number, status, birth_date from ("
                + "select * from (" + _ids_sql() + "))",
                raw_ids=pa.table({"v": pa.array(texts, pa.string()),
                                  "n": pa.repeat(False, len(texts))}))
    for text, row in zip(texts, table.to_pylist()):
        if row["domain"]:
            assert (row["id_number"], row["status"], row["birth_date"]) == \
                _reference(text, False), text
        else:
            assert any(c not in DOMAIN for c in text)


def _ids_sql() -> str:
    from transforms.sqlfile import read_sql
    return read_sql("staging/normalise_ids")


def test_none_and_number_cells():
    raw = pa.array([None, "620421197005204000", "6204211970052040"], pa.string())
    number, status, _ = normalise_ids(raw, pa.array([False, True, True]), _reference)
    assert status.to_pylist() == ["missing", "precision_lost", "precision_lost"]
    assert number.to_pylist() == [None, "620421197005204000", "6204211970052040"]


@SETTINGS
@given(st.lists(st.lists(st.tuples(id_texts(), st.booleans()), min_size=1, max_size=15),
                min_size=1, max_size=4))
def test_a_run_wide_cache_gives_each_table_the_reference_answer(tables):
    """The tables of a run share one cache: each gets what it alone would get."""
    cache = id_cache()
    for cases in tables:
        raw = pa.array([t for t, _ in cases], pa.string())
        numbers = pa.array([n for _, n in cases], pa.bool_())
        got = list(zip(*[a.to_pylist() for a in normalise_ids(raw, numbers, _reference, cache)]))
        assert got == [_reference(t, n) for t, n in cases]


def test_the_cache_computes_each_value_once_per_run_and_keeps_number_cells_apart():
    seen: list[tuple] = []

    def reference(text, from_number):
        seen.append((text, from_number))
        return _reference(text, from_number)
    cache = id_cache()
    valid = "11010119900307451" + check_char("11010119900307451")
    ids = [valid, "6204211970052040", "62042119700520401X", None]
    _, status, _ = normalise_ids(pa.array(ids), pa.array([True, False, False, False]),
                                 reference, cache)
    assert status.to_pylist()[0] == "precision_lost" and len(cache) == 4  # NULL: ""
    _, status, _ = normalise_ids(pa.array(ids[:3] * 2), None, reference, cache)
    # the same text from a CSV is another key: the number cell's precision_lost stays its own
    assert status.to_pylist()[0] == "valid" and len(cache) == 5
    normalise_ids(pa.array(ids[:3]), None, reference, cache)
    assert len(cache) == 5
    assert seen == []  # all in the SQL's domain: the Python reference never ran
    normalise_ids(pa.array(["①", "①"]), None, reference, cache)
    normalise_ids(pa.array(["①"]), None, reference, cache)
    assert seen == [("①", False)]
