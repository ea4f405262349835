"""The oracle's rules on a handful of hand-made records (numbers checkable by hand)."""
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from synth.oracle import rules
from synth.oracle.match import Ledger, decide
from synth.oracle.names import compare
from transforms.config import load_config
from transforms.normalise.id import check_char

AS_OF = dt.date(2025, 6, 30)


def _id(first17: str) -> str:
    return first17 + check_char(first17)


@pytest.fixture(scope="module")
def policy():
    return load_config().policy


@pytest.mark.parametrize("a,b,verdict", [
    ("张三", "張三", "agree"),                      # traditional characters
    ("阿依古丽•买买提", "阿依古丽·买买提", "agree"),  # separator look-alike
    ("王 丽华", "王丽华", "agree"),                  # stray space
    ("王丽华", "王莉华", "close"),                    # homophone
    ("王建国", "李建国", "close"),                    # one character of three
    ("王?华", "王丽华", "close"),                     # placeholder
    ("王伟", "王涛", "differ"),                       # one character of two
    ("王伟", "李娜", "differ"),
])
def test_names_agree_close_or_differ(a, b, verdict):
    assert compare(a, b) == verdict


def test_matching_steps_in_order():
    a, b, c = _id("62042119500101123"), _id("62042119500101143"), _id("62042119800202111")
    ledger = Ledger(pd.DataFrame({
        "idn": [a, b, c], "name": ["张三", "张三", "李四"], "sex": ["男", "男", "男"],
        "birth_date": pd.to_datetime(["1950-01-01", "1950-01-01", "1980-02-02"])}))
    born = np.datetime64("1980-02-02")
    assert decide(ledger, c, "valid", "李四", None, None)[:2] == ("id", c)
    assert decide(ledger, c, "valid", "李思", None, None)[:2] == ("id", c)  # homophone stands
    assert decide(ledger, c, "valid", "王五", None, None) == ("review", None, [(c, "id_name_mismatch")])
    assert decide(ledger, c, "converted_15", "李四", None, None)[:2] == ("id15", c)
    typo = c[:3] + str((int(c[3]) + 1) % 10) + c[4:]
    assert decide(ledger, typo, "invalid_checksum", "李四", born, None)[:2] == ("id_repaired", c)
    assert decide(ledger, None, "missing", "李四", born, "男")[:2] == ("name_dob", c)
    assert decide(ledger, None, "missing", "李四", born, "女")[0] == "none"  # sex differs
    assert decide(ledger, None, "missing", "李思", born, None)[2] == [(c, "fuzzy_match")]
    twins = decide(ledger, None, "missing", "张三", np.datetime64("1950-01-01"), None)
    assert twins == ("review", None, [(a, "fuzzy_match"), (b, "fuzzy_match")])


def _staged(contrib_rows, groups=None):
    c = pd.DataFrame(contrib_rows, columns=["idn", "year", "tier", "personal_amount", "gov_paid",
                                            "provincial_subsidy", "county_subsidy"])
    for col in c.columns[2:]:
        c[col] = c[col] * 100  # yuan -> fen
    empty = pd.DataFrame({"key": pd.Series([], dtype=object), "category": [],
                          "start_month": pd.Series([], dtype="datetime64[s]"),
                          "end_month": pd.Series([], dtype="datetime64[s]")})
    return {"contributions": c, "assistance": groups if groups is not None else empty,
            "poverty_monitoring": empty, "family_planning": empty}


def test_contribution_issues_one_per_row_and_issue(policy):
    st = _staged([
        ("A", 2025, 300, 300, 0, 30, 10),     # clean
        ("B", 2025, 350, 350, 0, 30, 10),     # not a tier
        ("C", 2025, 100, 100, 0, 30, 10),     # 100 by someone in no group
        ("D", 2025, 500, 450, 0, 60, 15),     # 450 paid for 500
        ("E", 2025, 500, 500, 0, 30, 15),     # provincial 30 instead of 60
        ("F", 2025, 1500, 1500, 0, 60, 15),   # county 15 instead of 20
    ])
    got = {(r["id_number"], r["reason"]) for r in
           rules.contribution_issues(st, rules.Groups(st), policy)}
    assert got == {("B", "invalid_tier"), ("C", "tier_100_not_eligible"), ("D", "amount_mismatch"),
                   ("E", "provincial_subsidy_mismatch"), ("F", "county_subsidy_mismatch")}


def test_special_group_years_follow_the_assistance_period():
    groups = pd.DataFrame({"key": ["A"], "category": ["城乡低保"],
                           "start_month": pd.to_datetime(["2021-03-01"]),
                           "end_month": pd.to_datetime(["2023-06-01"])})
    g = rules.Groups(_staged([], groups))
    assert [y for y in range(2020, 2026) if "A" in g.special(y)] == [2021, 2022, 2023]


def test_lapsed_and_unpaid_this_year(policy):
    p = pd.DataFrame({"idn": ["A", "B", "C", "D"], "enrol_status": ["正常参保"] * 3 + ["暂停缴费"],
                      "benefit_status": ["未领取"] * 4,
                      "birth_date": pd.to_datetime(["1980-01-01"] * 4),
                      "enrol_date": pd.to_datetime(["2015-01-01", "2015-01-01", "2025-03-01",
                                                    "2015-01-01"])})
    st = _staged([("A", 2024, 300, 300, 0, 30, 10), ("B", 2022, 300, 300, 0, 30, 10),
                  ("D", 2025, 300, 300, 0, 30, 10)])
    st["participants"] = p
    deaths = pd.DataFrame(index=pd.Index([], dtype=object))
    got = {r["id_number"]: (r["reason"], r["last_paid_year"], r["years_missed"])
           for r in rules.lapsed(st, rules.Groups(st), deaths, set(), policy, AS_OF)}
    assert got == {"A": ("unpaid_this_year", 2024, 1), "B": ("lapsed", 2022, 3),
                   "C": ("unpaid_this_year", None, 1)}
