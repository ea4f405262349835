"""RULES §3 deaths: golden given/expect cases under cases/deaths/."""
from __future__ import annotations

from transforms.rules import deaths, review

GOLDEN_RULE = "deaths"


def test_deaths_case(golden_case, con, make_ctx, load_case, check_expect):
    as_of = load_case(con, golden_case)
    ctx = make_ctx(as_of)
    deaths.build(con, ctx)
    review.build(con, ctx)  # signs of life go to the review queue
    assert check_expect(con, golden_case) >= 1
