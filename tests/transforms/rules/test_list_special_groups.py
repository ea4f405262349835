"""RULES §4 special groups: golden cases under cases/special_groups/, membership by
the period of assistance, and the checks skipped without their sources."""
from __future__ import annotations

from tests.support import build_rules, table_types
from transforms import lists_schema

GOLDEN_TABLES = ('list_special_groups',)
PERSON = "620421198002020212"


def test_special_groups_case(golden_case, con, make_ctx, load_case, check_expect):
    as_of = load_case(con, golden_case)
    build_rules(con, make_ctx(as_of), 'special_groups')
    assert check_expect(con, golden_case, GOLDEN_TABLES) >= 1


def _years(con, category):
    return [r[0] for r in con.execute(
        "select distinct year from special_group_members where category = $c order by year",
        {"c": category}).fetchall()]


def test_membership_follows_the_assistance_period(con, make_ctx, insert):
    """2021-03..2024-06 counts for 2021-2024 only; an ongoing 2025-11 start for 2025-2026;
    poverty monitoring and family planning have no period: every policy year (2014-2026)."""
    others = ["620421197001010114", "620421198503030312", "620421199004040414"]
    insert(con, "assistance", [
        {"id_number": PERSON, "name": "赵国强", "category": "城乡低保",
         "start_month": "2021-03-01", "end_month": "2024-06-01"},
        {"id_number": others[0], "name": "李玉兰", "category": "特困供养",
         "start_month": "2025-11-01"}])
    insert(con, "poverty_monitoring", [
        {"id_number": others[1], "name": "孙丽", "category": "返贫致贫人口"},
        {"id_number": others[2], "name": "周海燕", "category": "脱贫人口"}])
    build_rules(con, make_ctx("2026-06-30"), 'special_groups')
    assert _years(con, "低保对象") == [2021, 2022, 2023, 2024]
    assert _years(con, "特困人员") == [2025, 2026]
    assert _years(con, "返贫致贫人口") == list(range(2014, 2027))
    assert con.execute("select count(*), min(year), max(year) from tuopin_members "
                       "where id_number = $i", {"i": others[2]}).fetchall() == [(13, 2014, 2026)]
    assert con.execute("select count(*) from special_group_members where id_number = $i",
                       {"i": others[2]}).fetchall() == [(0,)]


def test_stale_category_needs_every_group_list(con, make_ctx, insert, missing):
    """Without family planning a 计生两证户 cannot be confirmed: ledger_category_unsupported
    and county_paid_not_eligible are skipped, not guessed; not_paid_by_county still runs."""
    missing(con, "family_planning")
    insert(con, "participants", [
        {"id_number": PERSON, "name": "赵国强", "township": "北湾镇", "enrol_status": "正常参保",
         "benefit_status": "未领取", "subsidy_category": "计生两证户"},
        {"id_number": "620421197001010114", "name": "李玉兰", "township": "乌兰镇",
         "enrol_status": "正常参保", "benefit_status": "未领取"}])
    insert(con, "contributions", [{"id_number": PERSON, "year": 2025, "tier": 100,
                                   "personal_amount": 0, "gov_paid": 100}])
    insert(con, "assistance", [{"id_number": "620421197001010114", "name": "李玉兰",
                                "category": "城乡低保", "start_month": "2024-01-01"}])
    build_rules(con, make_ctx("2026-06-30"), 'special_groups')
    assert con.execute("select id_number, reason from list_special_groups").fetchall() == [
        ("620421197001010114", "not_paid_by_county")]
    checks = {r[0] for r in con.execute('select "check" from skipped_checks').fetchall()}
    assert {"special_groups.ledger_category_unsupported",
            "special_groups.county_paid_not_eligible", "special_groups"} <= checks


def test_table_is_its_contract(con, ctx):
    """Exactly the columns and types of sql/lists/list_special_groups.yml (internal columns last)."""
    build_rules(con, ctx, "special_groups")
    assert table_types(con, lists_schema.table("special_groups")) == lists_schema.column_types("special_groups")
