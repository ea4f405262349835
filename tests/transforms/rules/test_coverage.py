"""RULES §6 unenrolled_residents (and the progress row of its township): golden cases
under cases/coverage/, plus the lists without their sources."""
from __future__ import annotations

from transforms.lists_schema import PROGRESS
from transforms.lists_schema import rule_columns as columns
from transforms.rules import contributions, coverage, lapsed

GOLDEN_RULE = "coverage"


def _run(con, ctx):
    # build_lists order; coverage reads the person tables contributions builds
    contributions.build(con, ctx)
    lapsed.build(con, ctx)
    coverage.build(con, ctx)


def test_coverage_case(golden_case, con_after_deaths, make_ctx, load_case, check_expect):
    con = con_after_deaths
    as_of = load_case(con, golden_case)
    _run(con, make_ctx(as_of))
    assert check_expect(con, golden_case) >= 1


def test_columns_are_the_contract(con_after_deaths, ctx):
    _run(con_after_deaths, ctx)
    got = [d[0] for d in con_after_deaths.execute(
        "select * from list_unenrolled_residents").description]
    assert tuple(got) == columns("unenrolled_residents")
    got = [d[0] for d in con_after_deaths.execute("select * from progress").description]
    assert tuple(got) == PROGRESS


def test_a_linked_registry_record_counts_under_the_ledger_id(con_after_deaths, make_ctx, insert,
                                                             link):
    """A registry row whose ID was damaged, matched by name and birth date to an open
    participant, is insured: not unenrolled, and counted once."""
    con = con_after_deaths
    ledger_id = "620421198002020212"
    insert(con, "participants", [{"id_number": ledger_id, "name": "赵国强", "township": "北湾镇",
                                  "enrol_status": "正常参保", "benefit_status": "未领取"}])
    [rid] = insert(con, "household_registry", [
        {"id_number": "620421198002020000", "id_status": "precision_lost", "name": "赵国强",
         "township": "北湾镇", "hukou_status": "正常", "birth_date": "1980-02-02"}])
    link(con, "household_registry", rid, ledger_id, method="name_dob")
    _run(con, make_ctx("2026-06-30"))
    assert con.execute("select count(*) from list_unenrolled_residents").fetchall() == [(0,)]
    assert con.execute("select eligible, insured from progress where township = '北湾镇'"
                       ).fetchall() == [(1, 1)]


def test_without_the_registry(con_after_deaths, ctx, missing):
    con = con_after_deaths
    missing(con, "household_registry")
    _run(con, ctx)
    assert con.execute("select count(*) from list_unenrolled_residents").fetchall() == [(0,)]
    checks = {r[0] for r in con.execute('select "check" from skipped_checks').fetchall()}
    assert {"unenrolled_residents", "progress.participation"} <= checks
