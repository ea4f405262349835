"""figures: the county row, the ranking and the three lowest, checkable by hand."""
from __future__ import annotations

from decimal import Decimal

from transforms.export import figures


def rows(*rates):
    return [{"township": f"t{i}", "completion_rate": None if r is None else Decimal(r)}
            for i, r in enumerate(rates)]


def test_ranks_one_for_the_highest_ties_share_the_better_rank():
    got = figures.completion_ranks(rows("0.9", "1.0", "0.9", None, "0.5"))
    assert got == {"t0": 2, "t1": 1, "t2": 2, "t4": 4}


def test_the_three_lowest_and_a_tie_with_the_third():
    assert figures.lowest_three(rows("0.9", "0.1", "0.2", "0.3", "0.4")) == {"t1", "t2", "t3"}
    assert figures.lowest_three(rows("0.3", "0.1", "0.2", "0.3", None)) == {"t0", "t1", "t2",
                                                                           "t3"}
    assert figures.lowest_three(rows("0.5", None)) == {"t0"}
    assert figures.lowest_three(rows(None)) == set()


def test_county_total_gap_and_rate_from_the_sums():
    """9799 + 9800 of 10000 + 10000: 19599 / 20000 = 0.97995 -> 0.9799 (gap 1 remains)."""
    total = figures.county_total([
        {"township": "a", "eligible": 10000, "insured": 9800, "target": 10, "completed": 9},
        {"township": "b", "eligible": 10000, "insured": 9799, "target": None, "completed": 1},
    ], Decimal("0.98"))
    assert (total["eligible"], total["insured"], total["gap_to_target"]) == (20000, 19599, 1)
    assert total["participation_rate"] == Decimal("0.9799")
    assert total["completion_rate"] == Decimal("1.0000")  # 10 completed of the 10 targeted
