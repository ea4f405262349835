"""Names: NFKC, separators, traditional -> simplified, a toneless pinyin key."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms.normalise.name import normalise_name, pinyin_key


@pytest.mark.parametrize("raw, expect", [
    ("张三", "张三"), ("张　三", "张三"), (" 張三 ", "张三"), ("ＡＢＣ", "ABC"),
    ("阿依•买买提", "阿依·买买提"), ("阿依・买买提", "阿依·买买提"), ("阿依.买买提", "阿依·买买提"),
    ("阿依．买买提", "阿依·买买提"), ("王？明", "王?明"), ("", None), (None, None), ("  ", None),
])
def test_normalise_name(raw, expect):
    assert normalise_name(raw) == expect


def test_homophones_share_a_pinyin_key():
    assert pinyin_key("张三") == pinyin_key("章三") == "zhangsan"
    assert pinyin_key("李四") != pinyin_key("张三")
    assert pinyin_key(None) is None


_names = st.text(alphabet="张章王李赵钱孫陈·•・.　 ?*", min_size=1, max_size=6)


@given(_names)
def test_normalising_a_name_is_idempotent(raw):
    once = normalise_name(raw)
    assert once is None or normalise_name(once) == once


def test_control_characters_are_dropped_from_names():
    assert normalise_name("张\x00三\x07") == "张三"
    assert normalise_name("\x1b阿依·古丽\x7f") == "阿依·古丽"


@given(st.lists(st.one_of(st.none(), _names, st.text(max_size=8),
                          st.sampled_from(["張三豐", "劉德華", "乾隆", "後來", "髮型", "於是"])),
                max_size=30))
def test_normalising_many_names_at_once_equals_one_by_one(raws):
    from transforms.normalise.name import normalise_names

    assert normalise_names(raws) == [normalise_name(r) for r in raws]
