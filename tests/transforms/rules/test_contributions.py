"""RULES §4 contribution_issues: golden cases under cases/contributions/, plus the
policy figures coming from config and the checks skipped without their sources."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from transforms.config import YearPolicy
from transforms.lists_schema import rule_columns as columns
from transforms.rules import contributions
from transforms.rules.policy_tables import build_policy_tables

GOLDEN_RULE = "contributions"
PERSON = "620421198503030312"


@pytest.fixture
def as_of():
    return dt.date(2026, 6, 30)


def test_contributions_case(golden_case, con_after_deaths, make_ctx, load_case, check_expect):
    con = con_after_deaths
    as_of = load_case(con, golden_case)
    contributions.build(con, make_ctx(as_of))
    assert check_expect(con, golden_case) >= 1


def _person(con, insert):
    insert(con, "participants", [{"id_number": PERSON, "name": "孙丽", "township": "乌兰镇",
                                  "village": "南街村", "enrol_status": "正常参保",
                                  "benefit_status": "未领取"}])


def test_columns_are_the_contract(con_after_deaths, ctx, insert):
    _person(con_after_deaths, insert)
    contributions.build(con_after_deaths, ctx)
    got = [d[0] for d in con_after_deaths.execute(
        "select * from list_contribution_issues").description]
    assert tuple(got) == columns("contribution_issues")


def test_subsidy_figures_come_from_config(con_after_deaths, config, make_ctx, insert):
    """A county that raises the 300-tier provincial subsidy to 40 in 2026: 30 is now wrong."""
    con = con_after_deaths
    bands = [b.model_copy(update={"provincial": Decimal(40)}) if b.min_tier == 100 else b
             for b in config.policy.defaults.subsidy_bands]
    policy = config.policy.model_copy(update={"years": {
        **config.policy.years, 2026: YearPolicy(subsidy_bands=bands, basic_pension_monthly=143)}})
    build_policy_tables(con, policy, range(2014, 2027))
    _person(con, insert)
    insert(con, "contributions", [
        {"id_number": PERSON, "year": 2025, "tier": 300, "personal_amount": 300,
         "provincial_subsidy": 30, "county_subsidy": 10},
        {"id_number": PERSON, "year": 2026, "tier": 300, "personal_amount": 300,
         "provincial_subsidy": 30, "county_subsidy": 10}])
    contributions.build(con, make_ctx("2026-06-30"))
    rows = con.execute("select year, issue, expected, recorded from list_contribution_issues"
                       ).fetchall()
    assert rows == [(2026, "provincial_subsidy_mismatch", Decimal("40.00"), Decimal("30.00"))]


def test_year_without_policy_is_an_invalid_tier(con_after_deaths, ctx, insert):
    """A contribution for a year after the as-of year has no policy to be valid under."""
    con = con_after_deaths
    _person(con, insert)
    insert(con, "contributions", [{"id_number": PERSON, "year": 2027, "tier": 300,
                                   "personal_amount": 300, "provincial_subsidy": 30,
                                   "county_subsidy": 10}])
    contributions.build(con, ctx)
    rows = con.execute("select issue, evidence from list_contribution_issues").fetchall()
    assert [r[0] for r in rows] == ["invalid_tier"]
    assert "无该年度政策" in rows[0][1]


def test_tier_100_check_skipped_without_poverty_monitoring(con_after_deaths, ctx, insert,
                                                          missing):
    """Without the poverty list a 脱贫人口 paying 100 cannot be told apart: no flag, a skip."""
    con = con_after_deaths
    missing(con, "poverty_monitoring")
    _person(con, insert)
    insert(con, "contributions", [
        {"id_number": PERSON, "year": 2026, "tier": 100, "personal_amount": 100,
         "provincial_subsidy": 30, "county_subsidy": 10},
        {"id_number": PERSON, "year": 2025, "tier": 300, "personal_amount": 200,
         "provincial_subsidy": 30, "county_subsidy": 10}])
    contributions.build(con, ctx)
    issues = [r[0] for r in con.execute("select issue from list_contribution_issues").fetchall()]
    assert issues == ["amount_mismatch"]
    checks = [r[0] for r in con.execute('select "check" from skipped_checks').fetchall()]
    assert "contribution_issues.tier_100_not_eligible" in checks


def test_everything_missing_builds_empty_lists(con_after_deaths, ctx, missing, config):
    con = con_after_deaths
    for table in config.sources.tables:
        missing(con, table)
    contributions.build(con, ctx)
    for table in ("list_contribution_issues", "list_special_groups"):
        assert con.execute(f"select count(*) from {table}").fetchall() == [(0,)]
    checks = {r[0] for r in con.execute('select "check" from skipped_checks').fetchall()}
    assert {"contribution_issues", "special_groups.county_paid_not_eligible",
            "special_groups.ledger_category_unsupported"} <= checks
