"""RULES §5 the enterprise scheme: golden given/expect cases under cases/enterprise/."""
from __future__ import annotations

from transforms.rules import deaths, enterprise

GOLDEN_RULE = "enterprise"


def test_enterprise_case(golden_case, con, make_ctx, load_case, check_expect):
    ctx = make_ctx(load_case(con, golden_case))
    deaths.build(con, ctx)  # candidate needs deaths_by_id, as in build_lists
    enterprise.build(con, ctx)
    assert check_expect(con, golden_case) >= 1
