"""RULES §7 the review queue: golden given/expect cases under cases/review/."""
from __future__ import annotations

from transforms.rules import deaths, review

GOLDEN_RULE = "review"


def test_review_case(golden_case, con, make_ctx, load_case, check_expect):
    ctx = make_ctx(load_case(con, golden_case))
    deaths.build(con, ctx)
    review.build(con, ctx)
    assert check_expect(con, golden_case) >= 1
