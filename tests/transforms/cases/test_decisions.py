"""RULES §8: what each township answer does to the next nights' lists.

Given (平堡镇, as of 2024-06-30): 韩立新 (ID A), drawing a pension, has a health death
certificate dated 2024-03-01 linked by ID, and no funeral grant was paid. So he is on
deceased_accounts (SW-000001-*) and funeral_grants (SZ-000001-*), both ``new``.
"""
from __future__ import annotations

import pytest

A = "620421194102010224"


@pytest.fixture
def deaths(con, insert):
    insert(con, "participants", [
        {"_rid": 11, "id_number": A, "name": "韩立新", "township": "平堡镇", "village": "平堡村",
         "enrol_status": "正常参保", "benefit_status": "正常发放", "account_balance": 2000}])
    insert(con, "death_certificates", [
        {"_rid": 211, "id_number": A, "name": "韩立新", "death_date": "2024-03-01"}])
    return [("death_certificates", 211, A)]


def _one(rows):
    assert len(rows) == 1, rows
    return rows[0]


def test_a_case_is_new_then_persisting_and_keeps_its_id(night, deaths):
    first = _one(night("2024-06-30", deaths)["deceased_accounts"])
    assert first["case_status"] == "new" and first["case_id"].startswith("SW-000001-")
    again = _one(night("2024-07-07", deaths)["deceased_accounts"])
    assert (again["case_id"], again["case_status"]) == (first["case_id"], "persisting")
    rerun = _one(night("2024-06-30", deaths)["deceased_accounts"])
    assert rerun == first  # a rerun of the same as-of date: same row, same status


def test_shishi_confirms_while_the_rules_raise_it(night, deaths, decide):
    case = _one(night("2024-06-30", deaths)["deceased_accounts"])["case_id"]
    decide(case, "属实", "2024-06-30")
    assert _one(night("2024-06-30", deaths)["deceased_accounts"])["case_status"] == "new"
    assert _one(night("2024-07-07", deaths)["deceased_accounts"])["case_status"] == "confirmed"


def test_bushishi_holds_it_off_until_the_facts_change(night, deaths, decide, con, insert):
    lists = night("2024-06-30", deaths)
    decide(_one(lists["deceased_accounts"])["case_id"], "不属实", "2024-06-30")
    later = night("2024-07-07", deaths)
    assert later["deceased_accounts"] == []
    # a decision on one list never hides a case on another list
    assert _one(later["funeral_grants"])["case_status"] == "persisting"
    # another department reports the death: the facts changed, the case comes back
    insert(con, "household_registry", [
        {"_rid": 111, "id_number": A, "name": "韩立新", "township": "平堡镇",
         "village": "平堡村", "hukou_status": "注销", "cancel_reason": "死亡",
         "cancel_date": "2024-03-02"}])
    row = _one(night("2024-07-14", deaths + [("household_registry", 111, A)])
               ["deceased_accounts"])
    assert row["case_status"] == "reopened"
    assert row["evidence"].endswith(
        "；乡镇于2024-06-30核查为不属实，此后情况有变化：新增公安户籍注销（死亡）2024-03-02")


def test_yichuli_holds_it_off_for_the_grace_period(night, deaths, decide, config):
    assert config.policy.decision_grace_days == 30
    lists = night("2024-06-30", deaths)
    decide(_one(lists["funeral_grants"])["case_id"], "已处理", "2024-06-30")
    assert night("2024-07-29", deaths)["funeral_grants"] == []  # day 29 of 30
    row = _one(night("2024-07-30", deaths)["funeral_grants"])   # 30 days on, still raised
    assert row["case_status"] == "persisting"
    assert row["evidence"].endswith("；乡镇于2024-06-30报已处理，台账尚未变更")
    assert _one(night("2024-07-30", deaths)["deceased_accounts"])["case_status"] == "persisting"


def test_a_later_decision_replaces_an_earlier_one(night, deaths, decide):
    case = _one(night("2024-06-30", deaths)["deceased_accounts"])["case_id"]
    decide(case, "不属实", "2024-06-30")
    assert night("2024-07-07", deaths)["deceased_accounts"] == []
    decide(case, "属实", "2024-07-07")
    assert night("2024-07-07", deaths)["deceased_accounts"] == []  # acts only later
    assert _one(night("2024-07-08", deaths)["deceased_accounts"])["case_status"] == "confirmed"
