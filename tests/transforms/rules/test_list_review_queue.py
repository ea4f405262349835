"""RULES §7 the review queue: golden given/expect cases under cases/review_queue/."""
from __future__ import annotations

from tests.support import build_rules, table_types
from transforms import lists_schema

GOLDEN_TABLES = ('review_queue',)


def test_review_queue_case(golden_case, con, make_ctx, load_case, check_expect):
    ctx = make_ctx(load_case(con, golden_case))
    build_rules(con, ctx, 'review_queue')
    assert check_expect(con, golden_case, GOLDEN_TABLES) >= 1


def test_table_is_its_contract(con, ctx):
    """Exactly the columns and types of sql/lists/list_review_queue.yml (internal columns last)."""
    build_rules(con, ctx, "review_queue")
    assert table_types(con, lists_schema.table("review_queue")) == lists_schema.column_types("review_queue")
