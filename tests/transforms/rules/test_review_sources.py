"""RULES §7 the review queue: table shape, cases off the other lists, non-ledger signals."""
from __future__ import annotations

from tests.support import build_rules
from transforms.lists_schema import column_types
from transforms.lists_schema import rule_columns as columns


def test_columns_and_types_on_an_empty_night(con, ctx):
    build_rules(con, ctx, 'review_queue')
    cur = con.execute("select * from review_queue limit 0")
    assert tuple(d[0] for d in cur.description) == tuple(column_types("review_queue"))
    assert [r[1] for r in con.execute("describe review_queue").fetchall()] == (
        ["VARCHAR"] * 9 + ["DOUBLE"] + ["VARCHAR", "BIGINT"])  # + internal src_table, src_rid
    assert columns("review_queue") + ("src_table", "src_rid") == tuple(column_types("review_queue"))
    assert con.execute("select count(*) from review_queue").fetchone()[0] == 0


def test_review_case_stays_off_the_death_lists_until_linked(con, ctx, insert, link, make_id):
    """The same death record: in review it feeds no list; once decided (linked) it does."""
    pid = make_id("19450101", "001")
    insert(con, "participants", [{"id_number": pid, "name": "沈玉兰", "township": "三滩镇",
                                  "enrol_status": "正常参保", "benefit_status": "正常发放"}])
    (rid,) = insert(con, "death_certificates", [{"id_number": None, "name": "沈玉岚",
                                                 "birth_date": "1945-01-01",
                                                 "death_date": "2024-03-01"}])
    insert(con, "match_review", [{"src_table": "death_certificates", "src_rid": rid,
                                  "source": "health", "source_name": "沈玉岚",
                                  "ledger_id_number": pid, "reason": "fuzzy_match",
                                  "score": 0.85}])
    build_rules(con, ctx, 'review_queue', 'deceased_accounts', 'funeral_grants')
    assert con.execute("select id_number, reason from review_queue").fetchall() == [
        (pid, "fuzzy_match")]
    assert con.execute("select count(*) from list_deceased_accounts").fetchone()[0] == 0
    evidence = con.execute("select evidence from review_queue").fetchone()[0]
    assert evidence.startswith("卫健死亡证明：身份证号缺失，姓名沈玉岚，出生日期1945-01-01，"
                               "死亡日期2024-03-01；台账候选人：身份证号" + pid)

    con.execute("delete from match_review")
    link(con, "death_certificates", rid, pid, "name_dob", 0.95)
    build_rules(con, ctx, 'review_queue', 'deceased_accounts', 'funeral_grants')
    assert con.execute("select count(*) from review_queue").fetchone()[0] == 0
    assert con.execute("select id_number, match_method from list_deceased_accounts"
                       ).fetchall() == [(pid, "name_dob")]


def test_claim_after_death_of_someone_not_in_the_ledger(con, ctx, insert, make_id):
    """A sign of life for a registry person outside the ledger: registry name and township."""
    pid = make_id("19550101", "001")
    insert(con, "household_registry", [{"id_number": pid, "name": "莫桂香", "township": "高湾镇",
                                        "village": "高湾村", "hukou_status": "注销",
                                        "cancel_reason": "死亡", "cancel_date": "2024-01-10"}])
    insert(con, "enrollment", [{"id_number": pid, "name": "莫桂香",
                                "insurance_type": "城乡居民基本医疗保险", "status": "参保缴费",
                                "last_claim_date": "2024-02-20"}])
    build_rules(con, ctx, 'review_queue')
    rows = con.execute("select id_number, name, township, village, reason, source, score "
                       "from review_queue").fetchall()
    assert rows == [(pid, "莫桂香", "高湾镇", "高湾村", "alive_signal_after_death",
                     "medical_insurance", None)]
    evidence = con.execute("select evidence from review_queue").fetchone()[0]
    assert "医保最近结算日期2024-02-20（死亡后41天，超过31天）" in evidence
    assert con.execute("select alive_signal from deaths_by_id").fetchone() == (True,)
