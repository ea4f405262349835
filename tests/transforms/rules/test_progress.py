"""RULES §6 progress.csv: the gap to the target rounds up on exact decimals, rates to
4 decimals half up, one row per configured township in config order (+ 未知乡镇 when
needed), targets only for the as-of year."""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support import build_rules
from transforms.rules import RuleContext, people

AS_OF = dt.date(2026, 6, 30)
GOLDEN_TABLES = ("progress",)


@pytest.fixture
def as_of():
    return AS_OF


def _run(con, ctx):
    build_rules(con, ctx, 'progress')


def test_progress_case(golden_case, con, make_ctx, load_case, check_expect):
    """Every case folder with an expect_progress.csv (cases/unenrolled_residents/...)."""
    _run(con, make_ctx(load_case(con, golden_case)))
    assert check_expect(con, golden_case, GOLDEN_TABLES) == 1


def _township(con, make_id, township, eligible, insured, birth, paid=0):
    """`eligible` registry residents of `township`; the first `insured` are open ledger
    participants, the first `paid` of those paid for the as-of year."""
    ids = [make_id(birth, f"{i:03d}") for i in range(eligible)]
    base = int(birth) * 1000  # unique _rid per block
    registry = pa.Table.from_pylist([  # noqa: F841 (scanned by duckdb)
        {"_rid": base + i, "id_number": idn, "id_status": "valid", "name": "居民",
         "township": township, "hukou_status": "正常"} for i, idn in enumerate(ids)])
    ledger = pa.Table.from_pylist([  # noqa: F841
        {"_rid": base + i, "id_number": idn, "name": "居民", "township": township,
         "enrol_status": "正常参保", "benefit_status": "未领取"}
        for i, idn in enumerate(ids[:insured])])
    paid_rows = pa.Table.from_pylist([  # noqa: F841
        {"_rid": base + i, "id_number": idn, "year": AS_OF.year, "tier": 300,
         "personal_amount": 300} for i, idn in enumerate(ids[:paid])])
    con.execute("insert into stg_household_registry by name select * from registry")
    if insured:
        con.execute("insert into stg_participants by name select * from ledger")
    if paid:
        con.execute("insert into stg_contributions by name select * from paid_rows")


def _progress(con, township):
    cur = con.execute("select * from progress where township = $t", {"t": township})
    names = [d[0] for d in cur.description]
    return dict(zip(names, cur.fetchall()[0]))


def test_gap_rounds_up(con, ctx, make_id, insert):
    """101 eligible, 98 insured: ceil(0.98 x 101 = 98.98) = 99 -> gap 1, rate 98/101 = 0.9703.
    100 eligible, 98 insured: ceil(98.00) = 98 -> gap 0, rate 0.9800."""
    _township(con, make_id, "北湾镇", 101, 98, "19800101", paid=49)
    _township(con, make_id, "东湾镇", 100, 98, "19810101")
    insert(con, "township_targets", [{"township": "北湾镇", "year": 2026, "target": 70},
                                     {"township": "东湾镇", "year": 2025, "target": 70}])
    _run(con, ctx)
    assert _progress(con, "北湾镇") == {
        "township": "北湾镇", "target": 70, "completed": 49, "completed_this_week": 0,
        "completion_rate": Decimal("0.7000"),
        "eligible": 101, "insured": 98, "participation_rate": Decimal("0.9703"),
        "gap_to_target": 1}
    # 东湾镇's only target is for 2025: no target, no completion rate
    assert _progress(con, "东湾镇") == {
        "township": "东湾镇", "target": None, "completed": 0, "completed_this_week": 0,
        "completion_rate": None,
        "eligible": 100, "insured": 98, "participation_rate": Decimal("0.9800"),
        "gap_to_target": 0}


def test_gap_uses_the_configured_rate_in_exact_decimals(con, config, make_id):
    """A target rate of 0.81: 0.81 x 300 is exactly 243 (a float says 243.00000000000003,
    whose ceiling is 244). 243 insured of 300 -> gap 0."""
    policy = config.policy.model_copy(update={"target_rate": Decimal("0.81")})
    ctx = RuleContext(config.model_copy(update={"policy": policy}), AS_OF)
    _township(con, make_id, "五合镇", 300, 243, "19820101")
    _run(con, ctx)
    row = _progress(con, "五合镇")
    assert (row["eligible"], row["insured"], row["gap_to_target"]) == (300, 243, 0)
    assert row["participation_rate"] == Decimal("0.8100")


def test_completed_this_week_counts_first_payments_of_the_last_seven_days(
        con, ctx, insert):
    """As-of 2026-06-30, the week is 06-24..06-30. A first paid 06-24 (in), B first paid
    06-23 and again 06-29 (out: its first payment is older), C paid 06-30 (in), D paid
    2025-06-28 only (not completed at all), E paid 07-01 (after the as-of date: out)."""
    people = {k: f"62042119700101{i:03d}" for i, k in enumerate("ABCDE", start=1)}
    from transforms.normalise.id import check_char
    people = {k: v[:17] + check_char(v[:17]) for k, v in people.items()}
    insert(con, "participants", [{"id_number": v, "name": "居民" + k, "township": "北湾镇",
                                  "enrol_status": "正常参保", "benefit_status": "未领取"}
                                 for k, v in people.items()])
    paid = [("A", 2026, dt.date(2026, 6, 24)), ("B", 2026, dt.date(2026, 6, 23)),
            ("B", 2026, dt.date(2026, 6, 29)), ("C", 2026, dt.date(2026, 6, 30)),
            ("D", 2025, dt.date(2025, 6, 28)), ("E", 2026, dt.date(2026, 7, 1))]
    insert(con, "contributions", [{"id_number": people[k], "year": y, "tier": 300,
                                   "personal_amount": 300, "pay_date": d} for k, y, d in paid])
    _run(con, ctx)
    row = _progress(con, "北湾镇")
    assert (row["completed"], row["completed_this_week"]) == (4, 2)


def test_participation_rate_never_rounds_up_to_the_target_while_a_gap_remains(
        con, ctx, make_id):
    """20000 eligible, 19599 insured: 0.97995 rounds half up to 0.9800, but
    ceil(0.98 x 20000) = 19600 > 19599, so the gap is 1 and the rate reads 0.9799."""
    for block in range(20):  # 20 birth dates x 1000 people; the last block 599 insured
        _township(con, make_id, "北湾镇", 1000, 599 if block == 19 else 1000,
                  f"1980{block // 10 + 1:02d}{block % 10 + 10:02d}")
    _run(con, ctx)
    row = _progress(con, "北湾镇")
    assert (row["eligible"], row["insured"], row["gap_to_target"]) == (20000, 19599, 1)
    assert row["participation_rate"] == Decimal("0.9799")


def test_one_row_per_configured_township_in_config_order(con, ctx, config):
    _run(con, ctx)
    names = [r[0] for r in con.execute("select township from progress").fetchall()]
    assert names == [t.name for t in config.county.townships]


def test_unknown_township_row_only_when_needed(con, ctx, config, insert):
    """A ledger participant whose township is no configured one counts under 未知乡镇, last."""
    idn = "620421197001010114"
    insert(con, "participants", [{"id_number": idn, "name": "李玉兰", "township": "城西乡",
                                  "enrol_status": "正常参保", "benefit_status": "未领取"}])
    insert(con, "contributions", [{"id_number": idn, "year": 2026, "tier": 300,
                                   "personal_amount": 300}])
    _run(con, ctx)
    rows = con.execute("select township, completed from progress").fetchall()
    assert len(rows) == len(config.county.townships) + 1
    assert rows[-1] == (config.county.unknown_township, 1)


def test_without_targets_the_target_is_empty_and_skipped(con, ctx, missing):
    missing(con, "township_targets")
    _run(con, ctx)
    assert con.execute("select count(*) from progress where target is not null "
                       "or completion_rate is not null").fetchall() == [(0,)]
    checks = [r[0] for r in con.execute('select "check" from skipped_checks').fetchall()]
    assert "progress.target" in checks


@pytest.fixture(scope="module")
def macro_con():
    import duckdb
    c = duckdb.connect()
    people.macros(c)
    yield c
    c.close()


@settings(max_examples=300, deadline=None)
@given(num=st.integers(0, 10**7), den=st.integers(1, 10**7))
def test_rate_is_half_up_to_four_decimals(macro_con, num, den):
    """Oracle: Python's Decimal, ROUND_HALF_UP."""
    want = (Decimal(num) / Decimal(den)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    got = macro_con.execute("select rl_rate($n, $d)", {"n": num, "d": den}).fetchall()[0][0]
    assert got == want
