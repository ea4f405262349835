"""The intermediate layer (rules/people.py, sql/intermediate/): the golden cases'
expect files for its tables (death_records, deaths_by_id, alive_signals,
overlap_years, …), built without any list."""
from __future__ import annotations

from tests.support import build_rules
from transforms.rules import people

GOLDEN_TABLES = people.TABLES


def test_intermediate_case(golden_case, con, make_ctx, load_case, check_expect):
    ctx = make_ctx(load_case(con, golden_case))
    counts = build_rules(con, ctx)
    assert check_expect(con, golden_case, GOLDEN_TABLES) >= 1
    assert set(counts) == set(people.TABLES)


def test_counts_come_from_the_create_statements(con, ctx, insert):
    """people.build returns each table's rows as CREATE reported them (no count(*))."""
    insert(con, "participants", [{"id_number": "620421196001010013", "name": "王大山",
                                  "township": "乌兰镇", "enrol_status": "正常参保",
                                  "benefit_status": "未领取"}])
    counts = build_rules(con, ctx)
    for table, rows in counts.items():
        assert con.execute(f"select count(*) from {table}").fetchone()[0] == rows, table
    assert counts["rule_ledger"] == 1
