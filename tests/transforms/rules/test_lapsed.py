"""RULES §4 lapsed_payers: golden cases under cases/lapsed/ (years missed, the reason,
who is kept off, the age bounds), plus the list without its sources."""
from __future__ import annotations

from transforms.lists_schema import rule_columns as columns
from transforms.rules import contributions, lapsed

GOLDEN_RULE = "lapsed"


def _run(con, ctx):
    contributions.build(con, ctx)  # person tables and special groups lapsed reads
    lapsed.build(con, ctx)


def test_lapsed_case(golden_case, con_after_deaths, make_ctx, load_case, check_expect):
    con = con_after_deaths
    as_of = load_case(con, golden_case)
    _run(con, make_ctx(as_of))
    assert check_expect(con, golden_case) >= 1


def test_columns_are_the_contract(con_after_deaths, ctx):
    _run(con_after_deaths, ctx)
    got = [d[0] for d in con_after_deaths.execute("select * from list_lapsed_payers").description]
    assert tuple(got) == columns("lapsed_payers")


def _never_paid(con, insert):
    insert(con, "participants", [{"id_number": "620421197001010114", "name": "李玉兰",
                                  "township": "乌兰镇", "enrol_status": "正常参保",
                                  "benefit_status": "未领取", "enrol_date": "2020-01-01"}])


def test_the_as_of_year_moves_the_count(con_after_deaths, make_ctx, insert):
    """Enrolled 2020-01-01, never paid: 2020..2024 is 5 years as of 2024, 7 as of 2026."""
    con = con_after_deaths
    _never_paid(con, insert)
    for as_of, missed in (("2024-06-30", 5), ("2026-06-30", 7)):
        _run(con, make_ctx(as_of))
        assert con.execute("select years_missed, reason from list_lapsed_payers").fetchall() \
            == [(missed, "lapsed")]


def test_without_contributions_nobody_is_called_lapsed(con_after_deaths, ctx, insert, missing):
    """No contributions extract tonight: the list is empty (not everyone), the check skipped."""
    con = con_after_deaths
    _never_paid(con, insert)
    missing(con, "contributions")
    _run(con, ctx)
    assert con.execute("select count(*) from list_lapsed_payers").fetchall() == [(0,)]
    checks = [r[0] for r in con.execute('select "check" from skipped_checks').fetchall()]
    assert "lapsed_payers" in checks


def test_missing_enterprise_list_is_reported(con_after_deaths, ctx, insert, missing):
    con = con_after_deaths
    _never_paid(con, insert)
    missing(con, "enterprise_pension")
    _run(con, ctx)
    assert con.execute("select count(*) from list_lapsed_payers").fetchall() == [(1,)]
    reasons = dict(con.execute('select "check", reason from skipped_checks').fetchall())
    assert "hr/enterprise_pension" in reasons["lapsed_payers.enterprise"]
