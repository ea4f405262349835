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


def _kinds(con) -> dict[str, bool]:
    """table -> temporary, for the layer's tables."""
    return {t: temp for t, temp in con.execute(
        "select table_name, temporary from duckdb_tables() where list_contains($t, table_name)",
        {"t": list(people.TABLES)}).fetchall()}


def test_run_only_tables_are_temp_and_stale_copies_go(con, ctx):
    """The tables only the lists read are temp tables of the connection; a persistent
    copy an earlier version left is dropped (a temp table would hide it, stale); the
    tables later steps read stay in the warehouse."""
    con.execute("create table rule_residents as select 'stale' as id_number")
    build_rules(con, ctx)
    kinds = _kinds(con)
    assert {t for t, temp in kinds.items() if temp} == set(people.RUN_ONLY)
    assert {t for t, temp in kinds.items() if not temp} == set(people.TABLES) - set(people.RUN_ONLY)
    assert con.execute("select count(*) from rule_residents where id_number = 'stale'"
                       ).fetchone()[0] == 0


def test_a_rule_shard_keeps_every_table(con, ctx):
    """A shard's progress task reads its rule_residents files: nothing is temp there."""
    people.build(con, ctx, keep_all=True)
    kinds = _kinds(con)
    assert set(kinds) == set(people.TABLES) and not any(kinds.values())
