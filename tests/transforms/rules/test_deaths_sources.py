"""RULES §3 deaths: missing sources, undated deaths, match methods, and the table types."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.support import build_rules
from transforms.lists_schema import rule_columns as columns

AS_OF = dt.date(2024, 6, 30)

TYPES = {
    "death_records": ["VARCHAR", "BIGINT", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "DOUBLE",
                      "DATE"],
    "deaths_by_id": ["VARCHAR", "DATE", "VARCHAR", "BOOLEAN", "BOOLEAN", "BOOLEAN"],
    "list_deceased_accounts": ["VARCHAR"] * 6 + ["DATE", "VARCHAR", "VARCHAR", "VARCHAR", "DATE",
                                                 "INTEGER", "DECIMAL(18,2)", "DECIMAL(18,2)",
                                                 "BOOLEAN"],
    "list_funeral_grants": ["VARCHAR"] * 6 + ["DATE", "VARCHAR", "DECIMAL(18,2)"],
}
COLUMNS = {
    "death_records": ("src_table", "src_rid", "source", "id_number", "ledger_id_number",
                      "method", "score", "death_date"),
    "deaths_by_id": ("id_number", "death_date", "death_sources", "date_conflict", "in_ledger",
                     "alive_signal"),
    "list_deceased_accounts": columns("deceased_accounts"),
    "list_funeral_grants": columns("funeral_grants"),
}


def _one_death(con, insert, link, make_id, *, benefit="正常发放", enrol="正常参保",
               death_date="2024-03-05", method="id"):
    """A ledger participant drawing 143.00 a month through 2024-05, a registry death."""
    pid = make_id("19500101", "001")
    insert(con, "participants", [{"id_number": pid, "name": "王秀英", "township": "乌兰镇",
                                  "village": "东关村", "enrol_status": enrol,
                                  "benefit_status": benefit, "account_balance": "5120.00"}])
    (rid,) = insert(con, "household_registry", [{
        "id_number": pid, "name": "王秀英", "hukou_status": "注销", "cancel_reason": "死亡",
        "cancel_date": death_date}])
    link(con, "household_registry", rid, pid, method)
    insert(con, "benefit_payments", [{"id_number": pid, "pay_month": f"2024-0{m}-01",
                                      "amount": "143.00"} for m in (2, 3, 4, 5)])
    return pid


def _skipped(con):
    return {c for (c,) in con.execute('select "check" from skipped_checks').fetchall()}


@pytest.mark.parametrize("table", list(TYPES))
def test_tables_have_the_architecture_columns_and_types(con, ctx, table):
    build_rules(con, ctx, 'deceased_accounts', 'funeral_grants')
    cur = con.execute(f"select * from {table} limit 0")
    assert tuple(d[0] for d in cur.description) == COLUMNS[table]
    got = [r[1] for r in con.execute(f"describe {table}").fetchall()]
    assert got == TYPES[table]


def test_all_present_nothing_skipped(con, ctx, insert, link, make_id):
    _one_death(con, insert, link, make_id)
    build_rules(con, ctx, 'deceased_accounts', 'funeral_grants')
    assert _skipped(con) == set()
    # death 2024-03-05: 2024-04 and 2024-05 overpaid
    assert con.execute("select months_overpaid, overpaid_amount from list_deceased_accounts"
                       ).fetchall() == [(2, Decimal("286.00"))]


def test_no_benefit_payments_overpayment_not_computed(con, make_ctx, insert, link, make_id,
                                                      missing):
    _one_death(con, insert, link, make_id)
    con.execute("delete from stg_benefit_payments")
    missing(con, "benefit_payments")
    build_rules(con, make_ctx(AS_OF), 'deceased_accounts', 'funeral_grants')
    row = con.execute("select months_overpaid, overpaid_amount, last_paid_month, evidence "
                      "from list_deceased_accounts").fetchone()
    assert row[:3] == (None, None, None)
    assert "未收到待遇发放明细，无法计算多发金额；个人账户余额5,120.00元" in row[3]
    assert "deceased_accounts.overpayment" in _skipped(con)
    # drawing at death still known from 待遇状态
    assert con.execute("select count(*) from list_funeral_grants").fetchone()[0] == 1


def test_no_funeral_grants_file_no_funeral_list(con, ctx, insert, link, make_id, missing):
    _one_death(con, insert, link, make_id)
    missing(con, "funeral_grants")
    build_rules(con, ctx, 'deceased_accounts', 'funeral_grants')
    assert con.execute("select count(*) from list_funeral_grants").fetchone()[0] == 0
    assert con.execute("select count(*) from list_deceased_accounts").fetchone()[0] == 1
    assert "funeral_grants" in _skipped(con)


def test_missing_death_source_is_recorded_and_others_still_count(con, ctx, insert, link,
                                                                 make_id, missing):
    pid = _one_death(con, insert, link, make_id)
    con.execute("delete from stg_household_registry")
    missing(con, "household_registry")
    (rid,) = insert(con, "death_certificates", [{"id_number": pid, "name": "王秀英",
                                                 "death_date": "2024-03-04"}])
    link(con, "death_certificates", rid, pid)
    build_rules(con, ctx, 'deceased_accounts', 'funeral_grants')
    assert "deaths.household_registry" in _skipped(con)
    assert con.execute("select death_date, death_sources from deaths_by_id").fetchall() == [
        (dt.date(2024, 3, 4), "health")]


def test_no_contributions_or_enrollment_signs_of_life_skipped(con, ctx, missing):
    missing(con, "contributions")
    missing(con, "enrollment")
    build_rules(con, ctx, 'deceased_accounts', 'funeral_grants')
    assert {"signs_of_life.contributions", "signs_of_life.claims"} <= _skipped(con)


def test_undated_death_is_listed_without_overpayment_or_grant(con, ctx, insert, link,
                                                              make_id):
    _one_death(con, insert, link, make_id, death_date=None)
    build_rules(con, ctx, 'deceased_accounts', 'funeral_grants')
    assert con.execute("select death_date from deaths_by_id").fetchall() == [(None,)]
    row = con.execute("select months_overpaid, last_paid_month, evidence "
                      "from list_deceased_accounts").fetchone()
    assert row[0] is None and row[1] == dt.date(2024, 5, 1)
    assert "公安户籍注销（死亡）（日期不详）" in row[2] and "死亡日期不详，无法计算多发月数" in row[2]
    assert con.execute("select count(*) from list_funeral_grants").fetchone()[0] == 0


@pytest.mark.parametrize("method, phrase", [
    ("name_dob", "姓名及出生日期一致"),
    ("id_repaired", "身份证号校验位有误，修正一位后与台账一致且姓名相同"),
])
def test_match_method_carried_to_the_list(con, ctx, insert, link, make_id, method, phrase):
    _one_death(con, insert, link, make_id, method=method)
    build_rules(con, ctx, 'deceased_accounts', 'funeral_grants')
    got_method, evidence = con.execute(
        "select match_method, evidence from list_deceased_accounts").fetchone()
    assert got_method == method and phrase in evidence


def test_unmatched_record_is_no_ledger_death(con, ctx, insert, make_id):
    """A valid-ID death record nobody matched: a person (for coverage), on no ledger list."""
    pid = make_id("19500101", "001")
    insert(con, "participants", [{"id_number": make_id("19500101", "003"), "name": "李四",
                                  "enrol_status": "正常参保", "benefit_status": "正常发放"}])
    insert(con, "cremations", [{"id_number": pid, "name": "王秀英", "death_date": "2024-03-01"}])
    insert(con, "cremations", [{"id_number": None, "name": "无证人", "death_date": "2024-03-01"}])
    build_rules(con, ctx, 'deceased_accounts', 'funeral_grants')
    assert con.execute("select id_number, in_ledger from deaths_by_id").fetchall() == [
        (pid, False)]
    assert con.execute("select count(*) from death_records").fetchone()[0] == 2
    assert con.execute("select count(*) from list_deceased_accounts").fetchone()[0] == 0


def test_figures_come_from_policy(con, config, insert, link, make_id):
    """A county with a 2000.00 grant from 2024-01-01 and 10-day windows."""
    from transforms.rules import RuleContext
    policy = config.policy.model_copy(update={
        "funeral_grant": config.policy.funeral_grant.model_copy(
            update={"amount": Decimal("2000.00"), "start_date": dt.date(2024, 1, 1)}),
        "alive_signal_days": 10})
    ctx = RuleContext(config.model_copy(update={"policy": policy}), AS_OF)
    pid = _one_death(con, insert, link, make_id, death_date="2024-03-05")
    insert(con, "contributions", [{"id_number": pid, "year": 2024, "tier": 300,
                                   "personal_amount": 300, "pay_date": "2024-03-20"}])
    build_rules(con, ctx, 'deceased_accounts', 'funeral_grants')
    # 15 days after the death is more than 10: a sign of life, so on no death list
    assert con.execute("select alive_signal from deaths_by_id").fetchall() == [(True,)]
    assert con.execute("select count(*) from list_funeral_grants").fetchone()[0] == 0
    con.execute("delete from stg_contributions")
    build_rules(con, ctx, 'deceased_accounts', 'funeral_grants')
    assert con.execute("select grant_amount from list_funeral_grants").fetchall() == [
        (Decimal("2000.00"),)]


def test_claim_on_a_row_under_review_is_no_sign_of_life(con, ctx, insert, link, make_id):
    """An enrollment row waiting in match_review identifies nobody, even by its own ID."""
    pid = _one_death(con, insert, link, make_id)
    (rid,) = insert(con, "enrollment", [{"id_number": pid, "name": "王秀云",
                                         "insurance_type": "城乡居民基本医疗保险",
                                         "status": "参保缴费", "last_claim_date": "2024-05-01"}])
    insert(con, "match_review", [{"src_table": "enrollment", "src_rid": rid,
                                  "source": "medical_insurance", "ledger_id_number": pid,
                                  "reason": "id_name_mismatch", "score": 0.3}])
    build_rules(con, ctx, 'deceased_accounts', 'funeral_grants')
    assert con.execute("select alive_signal from deaths_by_id").fetchall() == [(False,)]
    con.execute("delete from match_review")
    build_rules(con, ctx, 'deceased_accounts', 'funeral_grants')
    assert con.execute("select alive_signal from deaths_by_id").fetchall() == [(True,)]
