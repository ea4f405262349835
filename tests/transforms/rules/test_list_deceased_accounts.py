"""RULES §3 deceased_accounts: golden given/expect cases (every case folder with an
expect_list_deceased_accounts.csv, most under cases/deceased_accounts/)."""
from __future__ import annotations

from tests.support import build_rules, table_types
from transforms import lists_schema

GOLDEN_TABLES = ("list_deceased_accounts",)


def test_deceased_accounts_case(golden_case, con, make_ctx, load_case, check_expect):
    ctx = make_ctx(load_case(con, golden_case))
    build_rules(con, ctx, "deceased_accounts")
    assert check_expect(con, golden_case, GOLDEN_TABLES) == 1


def test_table_is_its_contract(con, ctx):
    """Exactly the columns and types of sql/lists/list_deceased_accounts.yml."""
    build_rules(con, ctx, "deceased_accounts")
    assert table_types(con, "list_deceased_accounts") == \
        lists_schema.column_types("deceased_accounts")
