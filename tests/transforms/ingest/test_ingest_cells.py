"""Cells to text, headers to columns, names to pinyin: the small pieces of ingest."""
from __future__ import annotations

import datetime as dt
import random

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypinyin.constants import PHRASES_DICT

from transforms.ingest.columns import (
    NameCache,
    _names,
    _text,
    _texts,
    per_distinct,
)
from transforms.ingest.frame import cell_text, number_text
from transforms.ingest.headers import find_header, normalise_header, unique_keys
from transforms.normalise.name import pinyin_key
from transforms.normalise.pinyin import name_pinyin, names_pinyin


@pytest.mark.parametrize("value, expect", [
    (620421197005203968.0, "620421197005204000"),   # the double of 6.20421197005204E+17
    (620421197005203968, "620421197005204000"),     # an integer beyond 15 digits likewise
    (620421700520400, "620421700520400"),           # 15 digits: exact
    (300.0, "300"), (2026, "2026"), (300.5, "300.5"), (0.1 + 0.2, "0.3"), (-12.0, "-12"),
])
def test_number_text_is_what_excel_shows(value, expect):
    assert number_text(value) == expect


@pytest.mark.parametrize("value, kind, expect", [
    (44824.0, "date", "2022-09-20"), (44824.75, "month", "2022-09-20"),
    (20220920.0, "date", "20220920"), (202209, "month", "202209"),
    (2022.0, "month", "2022"),                       # a year is not read as a 1905 serial
    (44824.0, "money", "44824"),
    (dt.datetime(2022, 9, 20), "date", "2022-09-20"),
    (dt.datetime(2022, 9, 20, 8, 30), "date", "2022-09-20 08:30:00"),
    (dt.date(2022, 9, 20), "text", "2022-09-20"),
    (None, "text", ""), ("", "id", ""), (True, "text", "TRUE"), (" 张三 ", "name", " 张三 "),
])
def test_cell_text(value, kind, expect):
    assert cell_text(value, kind) == expect


@pytest.mark.parametrize("raw, expect", [
    ("乡镇（街道）", "乡镇(街道)"), ("乡镇(街道)", "乡镇(街道)"), (" 公民身份\n号码 ", "公民身份号码"),
    ("乡镇【街道】", "乡镇(街道)"), ("ＩＤ", "id"), (None, ""),
])
def test_normalise_header(raw, expect):
    assert normalise_header(raw) == expect


def test_the_header_row_is_the_one_mapping_most_columns(config):
    rows = [["靖远县低保名单", "", ""], ["", "", ""], ["序号", "单位：人", ""],
            ["姓名", "身份证号", "救助类别"], ["张三", "x", "城乡低保"]]
    match = find_header(rows, config.sources.tables["assistance"])
    assert (match.row_index, match.mapping) == (3, {"name": 0, "id_number": 1, "category": 2})
    assert find_header(rows[:3], config.sources.tables["assistance"]) is None


def test_unique_keys_name_every_column():
    assert unique_keys(["姓名", "", "姓名"], 4) == ["姓名", "列2", "姓名(2)", "列4"]


def test_name_pinyin_equals_pinyin_key():
    """Oracle: the per-character cache gives pinyin_key's answer, phrases included."""
    rng = random.Random(7)
    chars = [chr(c) for c in range(0x4E00, 0x9FA6)]
    phrases = sorted(p for p in PHRASES_DICT if 2 <= len(p) <= 3)
    names = ["单于", "重庆", "长孙无忌", "曾国藩", "阿依·买买提", "王?明", "张*", "", None]
    for _ in range(3000):
        stem = "".join(rng.choice(chars) for _ in range(rng.randint(1, 4)))
        names.append(rng.choice(phrases) + stem if rng.random() < 0.3 else stem)
    assert [name_pinyin(n) for n in names] == [pinyin_key(n) for n in names]


def test_names_pinyin_equals_pinyin_key_one_by_one():
    """Oracle: the set-wise phrase check gives pinyin_key's answer, phrases anywhere in
    the name (start, middle, end), long names and NULLs included."""
    rng = random.Random(11)
    chars = [chr(c) for c in range(0x4E00, 0x9FA6)]
    phrases = sorted(p for p in PHRASES_DICT if 2 <= len(p) <= 4)
    names = ["单于", "重庆", "长孙无忌", "曾国藩", "阿依·买买提", "王?明", "张*", "", None,
             "李" * 40 + "单于", "𠀀单于"]
    for _ in range(3000):
        parts = ["".join(rng.choice(chars) for _ in range(rng.randint(0, 3)))
                 for _ in range(2)]
        names.append(parts[0] + (rng.choice(phrases) if rng.random() < 0.4 else "") + parts[1])
    assert names_pinyin(names) == [pinyin_key(n) for n in names]
    assert names_pinyin([]) == []


def test_the_name_cache_spans_tables_and_keeps_nulls():
    cache = NameCache()
    string = [pa.string(), pa.string()]
    first = _names(pa.array(["張三", None, "李四", "張三"]), string, cache)
    assert [a.to_pylist() for a in first] == [["张三", None, "李四", "张三"],
                                              ["zhangsan", None, "lisi", "zhangsan"]]
    second = _names(pa.array(["李四", " 王 五 ", None]), string, cache)
    assert [a.to_pylist() for a in second] == [["李四", "王五", None], ["lisi", "wangwu", None]]
    assert len(cache) == 3  # 張三, 李四, " 王 五 " once each: the raw text is the key


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet=st.sampled_from(
    list(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u3000aZ09-_nulNULaTｎｕｌé村")),
    max_size=8)), max_size=30))
def test_text_columns_set_wise_equal_the_reference(values):
    memo: dict = {}
    got = _texts(pa.array(values, pa.string()), memo).to_pylist()
    assert got == [_text(v) for v in values]
    assert _texts(pa.array(values, pa.string()), memo).to_pylist() == got  # memo reused


def test_the_run_memo_computes_each_value_once():
    calls = []

    def fn(v):
        calls.append(v)
        return (v.upper(),)
    memo: dict = {}
    for values in (["a", "b", "a"], ["b", "c", None]):
        (got,) = per_distinct(pa.array(values), fn, [pa.string()], memo)
        assert got.to_pylist() == [v and v.upper() for v in values]
    assert calls == ["a", "b", "c"]
