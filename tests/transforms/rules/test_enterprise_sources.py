"""RULES §5 the enterprise scheme: missing sources, review cases, table types."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.support import build_rules
from transforms.lists_schema import rule_columns as columns

AS_OF = dt.date(2024, 7, 31)


@pytest.fixture
def as_of():
    return AS_OF


@pytest.fixture
def people(con, insert, link, make_id):
    """Three ledger people: a dual pensioner, a payer in both schemes, an employee."""
    dual, both, employee = (make_id("19580101", "011"), make_id("19750101", "021"),
                            make_id("19850101", "031"))
    insert(con, "participants", [
        {"id_number": dual, "name": "董宏伟", "township": "糜滩镇", "village": "糜滩村",
         "enrol_status": "正常参保", "benefit_status": "正常发放"},
        {"id_number": both, "name": "高丽娟", "township": "北滩镇", "village": "北滩村",
         "enrol_status": "正常参保", "benefit_status": "未领取"},
        {"id_number": employee, "name": "谢文军", "township": "大芦镇", "village": "大芦村",
         "enrol_status": "正常参保", "benefit_status": "未领取"}])
    rids = insert(con, "enterprise_pension", [
        {"id_number": dual, "name": "董宏伟", "identity": "企业职工", "status": "终止",
         "start_month": "2000-01-01", "end_month": "2023-12-01",
         "pension_start_month": "2024-01-01"},
        {"id_number": both, "name": "高丽娟", "identity": "企业职工", "status": "参保缴费",
         "start_month": "2024-01-01"}])
    for rid, pid in zip(rids, (dual, both)):
        link(con, "enterprise_pension", rid, pid)
    (erid,) = insert(con, "enrollment", [{"id_number": employee, "name": "谢文军",
                                          "insurance_type": "职工基本医疗保险",
                                          "status": "参保缴费"}])
    link(con, "enrollment", erid, employee)
    insert(con, "benefit_payments", [{"id_number": dual, "pay_month": f"2024-0{m}-01",
                                      "amount": "200.00"} for m in (1, 2)])
    insert(con, "contributions", [{"id_number": both, "year": 2024, "tier": 500,
                                   "personal_amount": 500, "pay_date": "2024-03-01"}])
    return dual, both, employee


def _run(con, ctx):
    build_rules(con, ctx, 'enterprise_scheme')
    return {(r[0], r[1]): r[2:] for r in con.execute(
        "select id_number, action, overlap_months, refund_amount, recover_amount "
        "from list_enterprise_scheme").fetchall()}


def _skipped(con):
    return {c for (c,) in con.execute('select "check" from skipped_checks').fetchall()}


def test_columns_and_types(con, ctx):
    _run(con, ctx)
    cur = con.execute("select * from list_enterprise_scheme limit 0")
    assert tuple(d[0] for d in cur.description) == columns("enterprise_scheme")
    assert [r[1] for r in con.execute("describe list_enterprise_scheme").fetchall()] == (
        ["VARCHAR"] * 8 + ["DATE", "DATE", "INTEGER", "DECIMAL(18,2)", "DECIMAL(18,2)"])


def test_all_sources_every_action(con, ctx, people):
    dual, both, employee = people
    got = _run(con, ctx)
    # 2 payments from 2024-01 x policy 2024 basic pension 123.00 = 246.00
    assert got == {
        (dual, "terminate_dual_pension"): (None, None, Decimal("246.00")),
        (both, "seal"): (None, None, None),
        (both, "refund_overlap"): (7, Decimal("291.67"), None),  # 500 x 7/12
        (employee, "candidate"): (None, None, None),
    }
    assert _skipped(con) == set()


def test_no_enterprise_file_everything_skipped(con, ctx, people, missing):
    con.execute("delete from stg_enterprise_pension")
    missing(con, "enterprise_pension")
    assert _run(con, ctx) == {}  # not even candidate: "no enterprise row" is unknown
    assert "enterprise_scheme" in _skipped(con)


def test_no_enrollment_no_candidate(con, ctx, people, missing):
    con.execute("delete from stg_enrollment")
    missing(con, "enrollment")
    got = _run(con, ctx)
    assert {a for _, a in got} == {"terminate_dual_pension", "seal", "refund_overlap"}
    assert "enterprise_scheme.candidate" in _skipped(con)


def test_no_benefit_payments_recover_amount_unknown(con, ctx, people, missing):
    dual = people[0]
    con.execute("delete from stg_benefit_payments")
    missing(con, "benefit_payments")
    got = _run(con, ctx)
    assert got[(dual, "terminate_dual_pension")] == (None, None, None)
    evidence = con.execute("select evidence from list_enterprise_scheme "
                           "where action = 'terminate_dual_pension'").fetchone()[0]
    assert "应追回的基础养老金待核算" in evidence
    assert "enterprise_scheme.recover_amount" in _skipped(con)


def test_row_under_review_feeds_no_action(con, ctx, people, insert):
    """An enterprise row waiting in match_review is not a link: no seal/refund for it."""
    both = people[1]
    (rid,) = con.execute("select src_rid from match_links where ledger_id_number = $i",
                         {"i": both}).fetchone()
    con.execute("delete from match_links where ledger_id_number = $i", {"i": both})
    insert(con, "match_review", [{"src_table": "enterprise_pension", "src_rid": rid,
                                  "source": "hr", "ledger_id_number": both,
                                  "reason": "fuzzy_match", "score": 0.8}])
    got = _run(con, ctx)
    assert not any(pid == both for pid, _ in got)
