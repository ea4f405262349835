"""RULES §2 name classes, as the matcher's SQL macro computes them."""
from __future__ import annotations

import duckdb
import pytest

from transforms.normalise.name import normalise_name, pinyin_key
from transforms.sqlfile import run_sql


@pytest.fixture(scope="module")
def classify():
    con = duckdb.connect()
    run_sql(con, "matching/macro_name_class")

    def _classify(a: str, b: str) -> str:
        na, nb = normalise_name(a), normalise_name(b)
        return con.execute("select match_name_class($a, $b, $pa, $pb)",
                           {"a": na, "b": nb, "pa": pinyin_key(na), "pb": pinyin_key(nb)}
                           ).fetchall()[0][0]

    yield _classify
    con.close()


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("张伟", "张伟", "agree"),
    ("張偉", "张伟", "agree"),                      # traditional folded by the normaliser
    ("阿依古丽•买买提", "阿依古丽·买买提", "agree"),   # look-alike separator
    ("阿依古丽．买买提", "阿依古丽·买买提", "agree"),
    ("张玮", "张伟", "homophone"),
    ("欧阳小明", "欧阳晓明", "homophone"),
    ("王?燕", "王晓燕", "wildcard"),
    ("王晓*", "王晓燕", "wildcard"),
    ("王小明", "王大明", "one_char"),               # 3 characters, one differs
    ("欧阳小明", "欧阳大明", "one_char"),
    ("王明", "王亮", "differ"),                     # one differs but only 2 characters
    ("王?", "王晓燕", "differ"),                    # a wildcard stands for one character
    ("??", "王明", "differ"),                       # nothing left to compare
    ("王?燕", "李晓燕", "differ"),
    ("刘洋", "张伟", "differ"),
])
def test_name_class(classify, a, b, expected):
    assert classify(a, b) == expected


def test_missing_name_differs(classify):
    con = duckdb.connect()
    run_sql(con, "matching/macro_name_class")
    assert con.execute("select match_name_class(null, '张伟', null, 'zhangwei')"
                       ).fetchall()[0][0] == "differ"
