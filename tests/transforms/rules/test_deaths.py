"""RULES §3 deaths: golden given/expect cases under cases/deaths/."""
from __future__ import annotations

from transforms.rules import deaths

GOLDEN_RULE = "deaths"


def test_deaths_case(golden_case, con, make_ctx, load_case, check_expect):
    as_of = load_case(con, golden_case)
    deaths.build(con, make_ctx(as_of))
    assert check_expect(con, golden_case) >= 1
