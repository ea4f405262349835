"""RULES §4 lapsed_payers: golden cases under cases/lapsed_payers/ (years missed, the reason,
who is kept off, the age bounds), plus the list without its sources."""
from __future__ import annotations

from tests.support import build_rules, table_types
from transforms import lists_schema

GOLDEN_TABLES = ('list_lapsed_payers',)


def _run(con, ctx):
    build_rules(con, ctx, 'lapsed_payers')  # person tables and special groups lapsed reads


def test_lapsed_payers_case(golden_case, con, make_ctx, load_case, check_expect):
    as_of = load_case(con, golden_case)
    _run(con, make_ctx(as_of))
    assert check_expect(con, golden_case, GOLDEN_TABLES) >= 1


def _never_paid(con, insert):
    insert(con, "participants", [{"id_number": "620421197001010114", "name": "李玉兰",
                                  "township": "乌兰镇", "enrol_status": "正常参保",
                                  "benefit_status": "未领取", "enrol_date": "2020-01-01"}])


def test_the_as_of_year_moves_the_count(con, make_ctx, insert):
    """Enrolled 2020-01-01, never paid: 2020..2024 is 5 years as of 2024, 7 as of 2026."""
    _never_paid(con, insert)
    for as_of, missed in (("2024-06-30", 5), ("2026-06-30", 7)):
        _run(con, make_ctx(as_of))
        assert con.execute("select years_missed, reason from list_lapsed_payers").fetchall() \
            == [(missed, "lapsed")]


def test_without_contributions_nobody_is_called_lapsed(con, ctx, insert, missing):
    """No contributions extract tonight: the list is empty (not everyone), the check skipped."""
    _never_paid(con, insert)
    missing(con, "contributions")
    _run(con, ctx)
    assert con.execute("select count(*) from list_lapsed_payers").fetchall() == [(0,)]
    checks = [r[0] for r in con.execute('select "check" from skipped_checks').fetchall()]
    assert "lapsed_payers" in checks


def test_missing_enterprise_list_is_reported(con, ctx, insert, missing):
    _never_paid(con, insert)
    missing(con, "enterprise_pension")
    _run(con, ctx)
    assert con.execute("select count(*) from list_lapsed_payers").fetchall() == [(1,)]
    reasons = dict(con.execute('select "check", reason from skipped_checks').fetchall())
    assert "hr/enterprise_pension" in reasons["lapsed_payers.enterprise"]


def test_table_is_its_contract(con, ctx):
    """Exactly the columns and types of sql/lists/list_lapsed_payers.yml (internal columns last)."""
    build_rules(con, ctx, "lapsed_payers")
    assert table_types(con, lists_schema.table("lapsed_payers")) == lists_schema.column_types("lapsed_payers")
