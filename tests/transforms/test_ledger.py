"""When the ledger repeats an ID, the open account stands for the person."""
from __future__ import annotations

import datetime as dt

import duckdb

from transforms.ingest.staging import staging_columns
from transforms.ledger import create_ledger_view


def _ledger(config, rows):
    con = duckdb.connect()
    cols = ", ".join(f"{c} {t}" for c, t in staging_columns(config.sources.tables["participants"]))
    con.execute(f"create table stg_participants ({cols})")
    for row in rows:
        names = ", ".join(row)
        con.execute(f"insert into stg_participants ({names}) values "
                    f"({', '.join('$' + k for k in row)})", row)
    create_ledger_view(con)
    return con


def test_open_account_then_drawing_then_latest_enrolment_then_first_row(config):
    a, b = "620421197005204004", "620421198001010011"
    con = _ledger(config, [
        # A moved village: the closed row comes first, the open one stands for A
        {"_rid": 1, "id_number": a, "village": "旧村", "enrol_status": "终止参保",
         "benefit_status": "终止发放", "enrol_date": dt.date(2012, 1, 5)},
        {"_rid": 2, "id_number": a, "village": "新村", "enrol_status": "正常参保",
         "benefit_status": "未领取", "enrol_date": dt.date(2020, 3, 1)},
        # B: two open rows, the later enrolment wins
        {"_rid": 3, "id_number": b, "village": "甲村", "enrol_status": "正常参保",
         "benefit_status": "未领取", "enrol_date": dt.date(2015, 1, 1)},
        {"_rid": 4, "id_number": b, "village": "乙村", "enrol_status": "正常参保",
         "benefit_status": "未领取", "enrol_date": dt.date(2019, 1, 1)},
        {"_rid": 5, "id_number": None, "village": "无号村", "enrol_status": "正常参保",
         "benefit_status": "未领取"},
    ])
    rows = con.execute("select id_number, _rid, village from ledger_by_id order by 1").fetchall()
    assert rows == [(a, 2, "新村"), (b, 4, "乙村")]


def test_the_choice_is_made_again_only_when_what_it_reads_changed(config):
    """A call on an unchanged ledger keeps the temp choice; a change to a column the
    choice reads (here a closed account) makes it again, one it does not read does not."""
    a = "620421197005204004"
    con = _ledger(config, [
        {"_rid": 1, "id_number": a, "village": "旧村", "enrol_status": "正常参保",
         "benefit_status": "未领取", "enrol_date": dt.date(2012, 1, 5)},
        {"_rid": 2, "id_number": a, "village": "新村", "enrol_status": "正常参保",
         "benefit_status": "未领取", "enrol_date": dt.date(2020, 3, 1)},
    ])
    chosen = "select _rid from temp.main.ledger_choice"
    assert con.execute(chosen).fetchall() == [(2,)]
    con.execute("insert into temp.main.ledger_choice values (99)")  # a marker in the temp table
    con.execute("update stg_participants set village = '别村' where _rid = 2")
    create_ledger_view(con)
    assert sorted(con.execute(chosen).fetchall()) == [(2,), (99,)]  # kept: not made again
    con.execute("update stg_participants set enrol_status = '终止参保' where _rid = 2")
    create_ledger_view(con)
    assert con.execute(chosen).fetchall() == [(1,)]
    assert con.execute("select _rid, village from ledger_by_id").fetchall() == [(1, "旧村")]
