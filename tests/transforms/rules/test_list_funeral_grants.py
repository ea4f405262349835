"""RULES §3 funeral_grants: golden given/expect cases (every case folder with an
expect_list_funeral_grants.csv, e.g. cases/funeral_grants/ and the death cases)."""
from __future__ import annotations

from tests.support import build_rules, table_types
from transforms import lists_schema

GOLDEN_TABLES = ("list_funeral_grants",)


def test_funeral_grants_case(golden_case, con, make_ctx, load_case, check_expect):
    ctx = make_ctx(load_case(con, golden_case))
    build_rules(con, ctx, "funeral_grants")
    assert check_expect(con, golden_case, GOLDEN_TABLES) == 1


def test_table_is_its_contract(con, ctx):
    """Exactly the columns and types of sql/lists/list_funeral_grants.yml."""
    build_rules(con, ctx, "funeral_grants")
    assert table_types(con, "list_funeral_grants") == lists_schema.column_types("funeral_grants")
