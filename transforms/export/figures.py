"""Figures the workbooks, progress.xlsx and the report share: the county row of the
progress table, the completion ranking, and per-township list statistics (rows, case
statuses, money). One place computes them so every output says the same thing.
"""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import duckdb

from transforms import lists_schema
from transforms.export.csv_lists import list_table
from transforms.export.files import quote, table_columns

FOUR = Decimal("0.0001")
# The money a list puts at stake (元), by list and column, in the order they are shown.
MONEY_TOTALS = {
    "deceased_accounts": ("overpaid_amount",),
    "funeral_grants": ("grant_amount",),
    "enterprise_scheme": ("refund_amount", "recover_amount"),
}
MONEY_COLUMNS = tuple(c for cols in MONEY_TOTALS.values() for c in cols)
STATUSES = ("new", "persisting", "confirmed", "reopened")


def rate_text(value) -> str:
    """A rate as every output prints it: 0.9812 -> '98.12%'; '—' when there is none."""
    return "—" if value is None else f"{Decimal(value) * 100:.2f}%"


def rate(part, whole, target_rate: Decimal | None = None, gap: int | None = None):
    """part / whole to 4 decimals half up, as progress.csv computes it; a rate that would
    round up to the target while a gap remains reads one step below it."""
    if part is None or not whole:
        return None
    value = (Decimal(part) / Decimal(whole)).quantize(FOUR, ROUND_HALF_UP)
    if target_rate is not None and gap and gap > 0 and value >= target_rate:
        value = (Decimal(target_rate) - FOUR).quantize(FOUR)
    return value


def gap_to_target(eligible, insured, target_rate: Decimal):
    if eligible is None or insured is None:
        return None
    return max(0, math.ceil(Decimal(target_rate) * eligible) - insured)


def county_total(rows: list[dict], target_rate: Decimal, name: str = "全县合计") -> dict | None:
    """The county row: counts summed; rates and the gap computed from the sums (a sum of
    townships' gaps is not the county's gap: surpluses do not offset there, here they do)."""
    if not rows:
        return None

    def total(key):
        values = [r.get(key) for r in rows if r.get(key) is not None]
        return sum(values) if values else None

    sums = {k: total(k) for k in ("target", "completed", "completed_this_week", "eligible",
                                  "insured")}
    gap = gap_to_target(sums["eligible"], sums["insured"], target_rate)
    return {"township": name, **sums, "gap_to_target": gap,
            "completion_rate": rate(sums["completed"], sums["target"]),
            "participation_rate": rate(sums["insured"], sums["eligible"], target_rate, gap)}


def completion_ranks(rows: list[dict]) -> dict[str, int]:
    """township -> rank by completion rate, 1 = highest; ties share the better rank;
    a township without a rate has no rank."""
    rated = sorted((r["completion_rate"] for r in rows if r.get("completion_rate") is not None),
                   reverse=True)
    return {r["township"]: rated.index(r["completion_rate"]) + 1
            for r in rows if r.get("completion_rate") is not None}


def lowest_three(rows: list[dict]) -> set[str]:
    """The townships with the three lowest completion rates (a tie with the third
    lowest is highlighted too: the 通报 should not pick one of two equal townships)."""
    ordered = sorted(r["completion_rate"] for r in rows if r.get("completion_rate") is not None)
    if not ordered:
        return set()
    cut = ordered[min(2, len(ordered) - 1)]
    return {r["township"] for r in rows
            if r.get("completion_rate") is not None and r["completion_rate"] <= cut}


def read_progress(con: duckdb.DuckDBPyConnection, townships: list[str]) -> list[dict]:
    """progress rows in the given township order (others after, by name)."""
    if table_columns(con, "progress") is None:
        return []
    present = table_columns(con, "progress")
    cols = [c for c in lists_schema.PROGRESS if c in present]
    cursor = con.execute(
        f"select {', '.join(quote(c) for c in cols)} from progress "
        "order by list_position($order, township) nulls last, township", {"order": townships})
    return [{c: row[i] for i, c in enumerate(cols)} | {k: None for k in lists_schema.PROGRESS
                                                        if k not in present}
            for row in cursor.fetchall()]


def empty_stats(with_status: bool = True) -> dict:
    """``status`` is None when the list carries no case_status."""
    return {"rows": 0, "status": {s: 0 for s in STATUSES} if with_status else None,
            "money": {c: Decimal(0) for c in MONEY_COLUMNS}}


def list_stats(con: duckdb.DuckDBPyConnection, configured: list[str],
               unknown: str) -> tuple[dict[str, dict[str, dict]], set[str], frozenset[str]]:
    """Per township (configured names; anything else under ``unknown``) and list:
    rows, rows per case_status and the money columns summed.

    Returns (stats[township][list], lists not built, lists that carry case_status).
    A township without rows of a list has no entry for it (use ``empty_stats``).
    """
    stats: dict[str, dict[str, dict]] = {}
    missing: set[str] = set()
    with_status: set[str] = set()
    for name in lists_schema.LISTS:
        types = table_columns(con, list_table(name))
        if types is None:
            missing.add(name)
            continue
        has_status = "case_status" in types
        if has_status:
            with_status.add(name)
        money = MONEY_TOTALS.get(name, ())
        status = "case_status" if has_status else "null"
        sums = "".join(f", sum({quote(c)})" for c in money)
        sql = (f"select if(list_contains($configured, township), township, $unknown) as t, "
               f"{status} as s, count(*){sums} from {quote(list_table(name))} group by all")
        for township, case_status, n, *amounts in con.execute(
                sql, {"configured": configured, "unknown": unknown}).fetchall():
            entry = stats.setdefault(township, {}).setdefault(name, empty_stats(has_status))
            entry["rows"] += n
            if has_status and case_status in entry["status"]:
                entry["status"][case_status] += n
            for column, amount in zip(money, amounts):
                entry["money"][column] += Decimal(amount or 0)
    return stats, missing, frozenset(with_status)


def add_stats(parts) -> dict:
    """One entry summing several ``list_stats`` entries."""
    total = empty_stats(with_status=False)
    for part in parts:
        total["rows"] += part["rows"]
        if part["status"] is not None:
            total["status"] = total["status"] or {s: 0 for s in STATUSES}
            for s in STATUSES:
                total["status"][s] += part["status"][s]
        for c in MONEY_COLUMNS:
            total["money"][c] += part["money"][c]
    return total


def township_total(stats: dict[str, dict], lists=lists_schema.LISTS) -> dict:
    """All lists of one township summed (a list it has no rows in counts 0)."""
    return add_stats(stats.get(name, empty_stats(False)) for name in lists)
