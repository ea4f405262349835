"""RULES §6 unenrolled_residents (and the progress row of its township): golden cases
under cases/unenrolled_residents/, plus the lists without their sources."""
from __future__ import annotations

from tests.support import build_rules, table_types
from transforms import lists_schema

GOLDEN_TABLES = ('list_unenrolled_residents',)


def _run(con, ctx):
    # build_lists order; coverage reads the person tables contributions builds
    build_rules(con, ctx, 'unenrolled_residents', 'progress')


def test_unenrolled_residents_case(golden_case, con, make_ctx, load_case, check_expect):
    as_of = load_case(con, golden_case)
    _run(con, make_ctx(as_of))
    assert check_expect(con, golden_case, GOLDEN_TABLES) >= 1


def test_a_linked_registry_record_counts_under_the_ledger_id(con, make_ctx, insert,
                                                             link):
    """A registry row whose ID was damaged, matched by name and birth date to an open
    participant, is insured: not unenrolled, and counted once."""
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


def test_without_the_registry(con, ctx, missing):
    missing(con, "household_registry")
    _run(con, ctx)
    assert con.execute("select count(*) from list_unenrolled_residents").fetchall() == [(0,)]
    checks = {r[0] for r in con.execute('select "check" from skipped_checks').fetchall()}
    assert {"unenrolled_residents", "progress.participation"} <= checks


def test_table_is_its_contract(con, ctx):
    """Exactly the columns and types of sql/lists/list_unenrolled_residents.yml (internal columns last)."""
    build_rules(con, ctx, "unenrolled_residents")
    assert table_types(con, lists_schema.table("unenrolled_residents")) == lists_schema.column_types("unenrolled_residents")
