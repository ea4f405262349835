"""RULES §8 on the review sheet: 是 / 否 on a pair and on a sign of life.

Given (平堡镇): 杨秀兰 (ID B) drawing a pension. A cremation record without an ID,
name 杨秀蓝 (a homophone), born 1942-03-05, died 2024-03-01, waits in match_review as a
fuzzy_match with her as the only candidate; so she is on no death list.
"""
from __future__ import annotations

import pytest

B = "620421194203050233"
Q = "620421194102010224"


@pytest.fixture
def pair(con, insert):
    insert(con, "participants", [
        {"_rid": 12, "id_number": B, "name": "杨秀兰", "township": "平堡镇", "village": "平堡村",
         "enrol_status": "正常参保", "benefit_status": "正常发放", "account_balance": 500}])
    insert(con, "cremations", [
        {"_rid": 312, "id_number": None, "name": "杨秀蓝", "death_date": "2024-03-01",
         "cremation_date": "2024-03-03"}])
    con.execute("update stg_cremations set id_birth_date = date '1942-03-05' where _rid = 312")
    return [{"src_table": "cremations", "src_rid": 312, "source": "civil_affairs",
             "source_id_number": None, "source_name": "杨秀蓝", "ledger_rid": 12,
             "ledger_id_number": B, "reason": "fuzzy_match", "score": 0.9,
             "evidence": "姓名同音"}]


def _one(rows):
    assert len(rows) == 1, rows
    return rows[0]


def test_shi_makes_the_pair_a_manual_link_feeding_every_list(night, pair, decide, con):
    lists = night("2024-06-30", review=pair)
    assert lists["deceased_accounts"] == []
    case = _one(lists["review_queue"])
    assert case["case_id"].startswith("FH-") and case["src_table"] == "cremations"
    decide(case["case_id"], "是", "2024-06-30")
    later = night("2024-07-07", review=pair)
    assert later["review_queue"] == []
    row = _one(later["deceased_accounts"])
    assert (row["id_number"], row["match_method"], row["case_status"]) == (B, "manual", "new")
    assert con.execute("select method from match_links").fetchall() == [("manual",)]


def test_fou_rejects_the_pair_while_both_records_are_unchanged(night, pair, decide, con):
    case = _one(night("2024-06-30", review=pair)["review_queue"])["case_id"]
    decide(case, "否", "2024-06-30")
    later = night("2024-07-07", review=pair)
    assert later["review_queue"] == [] and later["deceased_accounts"] == []
    assert con.execute("select count(*) from match_links").fetchone() == (0,)
    # the ledger corrects her birth date: the candidate's record changed, the pair is back
    con.execute("update stg_participants set birth_date = date '1942-03-06'")
    row = _one(night("2024-07-14", review=pair)["review_queue"])
    assert (row["case_id"], row["case_status"]) == (case, "reopened")
    assert "乡镇于2024-06-30核实不是同一人" in row["evidence"]
    assert "新增台账候选人身份证号" + B + "，姓名杨秀兰，出生日期1942-03-06" in row["evidence"]


@pytest.fixture
def signal(con, insert):
    """韩立新 (ID Q) died 2024-03-01 (health), but paid a contribution on 2024-04-10."""
    insert(con, "participants", [
        {"_rid": 11, "id_number": Q, "name": "韩立新", "township": "平堡镇", "village": "平堡村",
         "enrol_status": "正常参保", "benefit_status": "正常发放", "account_balance": 2000}])
    insert(con, "death_certificates", [
        {"_rid": 211, "id_number": Q, "name": "韩立新", "death_date": "2024-03-01"}])
    insert(con, "contributions", [
        {"id_number": Q, "name": "韩立新", "year": 2024, "tier": 300, "personal_amount": 300,
         "pay_date": "2024-04-10"}])
    return [("death_certificates", 211, Q)]


def test_shi_on_a_sign_of_life_lets_the_death_stand(night, signal, decide, con, insert):
    lists = night("2024-06-30", signal)
    assert lists["deceased_accounts"] == []
    case = _one(lists["review_queue"])
    assert case["reason"] == "alive_signal_after_death"
    decide(case["case_id"], "是", "2024-06-30")
    later = night("2024-07-07", signal)
    assert later["review_queue"] == []
    assert _one(later["deceased_accounts"])["id_number"] == Q
    # a later sign of life asks again
    insert(con, "contributions", [
        {"id_number": Q, "name": "韩立新", "year": 2024, "tier": 300, "personal_amount": 300,
         "pay_date": "2024-06-01"}])
    again = night("2024-07-14", signal)
    assert _one(again["review_queue"])["case_status"] == "reopened"
    assert again["deceased_accounts"] == []


def test_fou_on_a_sign_of_life_sets_the_death_records_aside(night, signal, decide, con,
                                                           insert):
    case = _one(night("2024-06-30", signal)["review_queue"])["case_id"]
    decide(case, "否", "2024-06-30")
    later = night("2024-07-07", signal)
    assert later["review_queue"] == [] and later["deceased_accounts"] == []
    assert con.execute("select count(*) from deaths_by_id").fetchone() == (0,)
    # a new death record arrives (after the contribution): the person is dead again
    insert(con, "household_registry", [
        {"_rid": 111, "id_number": Q, "name": "韩立新", "township": "平堡镇",
         "village": "平堡村", "hukou_status": "注销", "cancel_reason": "死亡",
         "cancel_date": "2024-05-01"}])
    row = _one(night("2024-07-14", signal + [("household_registry", 111, Q)])
               ["deceased_accounts"])
    assert (row["case_status"], str(row["death_date"])) == ("new", "2024-05-01")
