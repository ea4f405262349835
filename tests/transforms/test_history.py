"""The warehouse remembers when each case was first and last seen."""
from __future__ import annotations

import datetime as dt

import duckdb

from transforms.history import record_run
from transforms.lists_schema import LISTS

EMPTY = {name: "id_number varchar, reason varchar" for name in LISTS}
EMPTY.update(special_groups="id_number varchar, reason varchar, year integer",
             contribution_issues="id_number varchar, reason varchar, year integer, tier decimal(18,2)",
             review_queue="id_number varchar, reason varchar, source varchar, "
                          "source_id_number varchar, source_name varchar")


def _lists(con, lapsed_ids):
    for name, cols in EMPTY.items():
        table = name if name == "review_queue" else f"list_{name}"
        con.execute(f"create or replace table {table} ({cols})")
    for id_number in lapsed_ids:
        con.execute("insert into list_lapsed_payers values ($1, 'lapsed')", [id_number])


def test_cases_keep_their_first_seen_date_and_new_ones_are_counted():
    con = duckdb.connect()
    _lists(con, ["A", "B"])
    assert record_run(con, dt.date(2026, 11, 1), {"list_lapsed_payers": 2}) == {"new_cases": 2}
    _lists(con, ["B", "C"])
    assert record_run(con, dt.date(2026, 11, 2), {"list_lapsed_payers": 2}) == {"new_cases": 1}
    rows = con.execute("select id_number, first_seen, last_seen from case_history "
                       "order by id_number").fetchall()
    assert rows == [("A", dt.date(2026, 11, 1), dt.date(2026, 11, 1)),
                    ("B", dt.date(2026, 11, 1), dt.date(2026, 11, 2)),
                    ("C", dt.date(2026, 11, 2), dt.date(2026, 11, 2))]
    assert con.execute("select count(*) from run_history").fetchall() == [(2,)]
