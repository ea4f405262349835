"""RULES §5 the enterprise scheme: golden given/expect cases under cases/enterprise_scheme/."""
from __future__ import annotations

from tests.support import build_rules, table_types
from transforms import lists_schema

GOLDEN_TABLES = ('list_enterprise_scheme',)


def test_enterprise_scheme_case(golden_case, con, make_ctx, load_case, check_expect):
    ctx = make_ctx(load_case(con, golden_case))
    build_rules(con, ctx, 'enterprise_scheme')  # candidate needs deaths_by_id, as in build_lists
    assert check_expect(con, golden_case, GOLDEN_TABLES) >= 1


def test_table_is_its_contract(con, ctx):
    """Exactly the columns and types of sql/lists/list_enterprise_scheme.yml (internal columns last)."""
    build_rules(con, ctx, "enterprise_scheme")
    assert table_types(con, lists_schema.table("enterprise_scheme")) == lists_schema.column_types("enterprise_scheme")
