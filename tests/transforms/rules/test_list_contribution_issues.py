"""RULES §4 contribution_issues: golden cases under cases/contribution_issues/, plus the
policy figures coming from config and the checks skipped without their sources."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.support import build_rules, table_types
from transforms import lists_schema
from transforms.config import YearPolicy
from transforms.rules.policy_tables import build_policy_tables

GOLDEN_TABLES = ('list_contribution_issues',)
PERSON = "620421198503030312"


@pytest.fixture
def as_of():
    return dt.date(2026, 6, 30)


def test_contribution_issues_case(golden_case, con, make_ctx, load_case, check_expect):
    as_of = load_case(con, golden_case)
    build_rules(con, make_ctx(as_of), 'contribution_issues')
    assert check_expect(con, golden_case, GOLDEN_TABLES) >= 1


def _person(con, insert):
    insert(con, "participants", [{"id_number": PERSON, "name": "孙丽", "township": "乌兰镇",
                                  "village": "南街村", "enrol_status": "正常参保",
                                  "benefit_status": "未领取"}])


def test_subsidy_figures_come_from_config(con, config, make_ctx, insert):
    """A county that raises the 300-tier provincial subsidy to 40 in 2026: 30 is now wrong."""
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
    build_rules(con, make_ctx("2026-06-30"), 'contribution_issues')
    rows = con.execute("select year, issue, expected, recorded from list_contribution_issues"
                       ).fetchall()
    assert rows == [(2026, "provincial_subsidy_mismatch", Decimal("40.00"), Decimal("30.00"))]


def test_year_without_policy_is_an_invalid_tier(con, ctx, insert):
    """A contribution for a year after the as-of year has no policy to be valid under."""
    _person(con, insert)
    insert(con, "contributions", [{"id_number": PERSON, "year": 2027, "tier": 300,
                                   "personal_amount": 300, "provincial_subsidy": 30,
                                   "county_subsidy": 10}])
    build_rules(con, ctx, 'contribution_issues')
    rows = con.execute("select issue, evidence from list_contribution_issues").fetchall()
    assert [r[0] for r in rows] == ["invalid_tier"]
    assert "无该年度政策" in rows[0][1]


def test_tier_100_check_skipped_without_poverty_monitoring(con, ctx, insert,
                                                          missing):
    """Without the poverty list a 脱贫人口 paying 100 cannot be told apart: no flag, a skip."""
    missing(con, "poverty_monitoring")
    _person(con, insert)
    insert(con, "contributions", [
        {"id_number": PERSON, "year": 2026, "tier": 100, "personal_amount": 100,
         "provincial_subsidy": 30, "county_subsidy": 10},
        {"id_number": PERSON, "year": 2025, "tier": 300, "personal_amount": 200,
         "provincial_subsidy": 30, "county_subsidy": 10}])
    build_rules(con, ctx, 'contribution_issues')
    issues = [r[0] for r in con.execute("select issue from list_contribution_issues").fetchall()]
    assert issues == ["amount_mismatch"]
    checks = [r[0] for r in con.execute('select "check" from skipped_checks').fetchall()]
    assert "contribution_issues.tier_100_not_eligible" in checks


def test_everything_missing_builds_empty_lists(con, ctx, missing, config):
    for table in config.sources.tables:
        missing(con, table)
    build_rules(con, ctx, 'contribution_issues', 'special_groups')
    for table in ("list_contribution_issues", "list_special_groups"):
        assert con.execute(f"select count(*) from {table}").fetchall() == [(0,)]
    checks = {r[0] for r in con.execute('select "check" from skipped_checks').fetchall()}
    assert {"contribution_issues", "special_groups.county_paid_not_eligible",
            "special_groups.ledger_category_unsupported"} <= checks


def test_table_is_its_contract(con, ctx):
    """Exactly the columns and types of sql/lists/list_contribution_issues.yml (internal columns last)."""
    build_rules(con, ctx, "contribution_issues")
    assert table_types(con, lists_schema.table("contribution_issues")) == lists_schema.column_types("contribution_issues")
