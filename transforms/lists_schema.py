"""The columns of every output list (CONTRACT.md §3): the one place they are named.

The rules write ``rule_columns(name)``; the cases step (transforms/cases) puts
``case_id`` and ``case_status`` in front, so what the export writes is
``columns(name)``. A list table may carry internal columns after these (the review
queue's source record, read by the cases step); the export never writes them.
"""
from __future__ import annotations

CASE = ("case_id", "case_status")
COMMON = CASE + ("id_number", "name", "township", "village", "reason", "evidence")

EXTRA = {
    "deceased_accounts": ("death_date", "death_sources", "match_method", "benefit_status",
                          "last_paid_month", "months_overpaid", "overpaid_amount",
                          "account_balance", "date_conflict"),
    "funeral_grants": ("death_date", "death_sources", "grant_amount"),
    "lapsed_payers": ("age", "last_paid_year", "years_missed"),
    "enterprise_scheme": ("action", "enterprise_identity", "enterprise_start", "enterprise_end",
                          "overlap_months", "refund_amount", "recover_amount"),
    "special_groups": ("category", "year"),
    "contribution_issues": ("year", "tier", "issue", "expected", "recorded"),
    "unenrolled_residents": ("age",),
    "review_queue": ("source", "source_id_number", "source_name", "score"),
}
LISTS = tuple(EXTRA)

# Internal columns a rule writes after its contract columns (not exported): the review
# queue's source record, so that a case names the record and not a row number.
INTERNAL = {"review_queue": ("src_table", "src_rid")}

# RULES §8: what names a case on each list (besides the list itself); the cases step
# builds every key from this (transforms/cases/registry.case_keys_sql). Review pairs
# are named by the candidate and the source record (table, ID as given, name, birth
# date); a sign of life by the person and the source of the sign (``source_record``).
CASE_KEY = {
    "deceased_accounts": ("id_number", "reason"),
    "funeral_grants": ("id_number", "reason"),
    "lapsed_payers": ("id_number", "reason"),
    "enterprise_scheme": ("id_number", "reason", "action"),
    "special_groups": ("id_number", "reason", "year"),
    "contribution_issues": ("id_number", "reason", "year", "issue"),
    "unenrolled_residents": ("id_number", "reason"),
    "review_queue": ("id_number", "reason", "source_record"),
}

PROGRESS = ("township", "target", "completed", "completion_rate", "eligible", "insured",
            "participation_rate", "gap_to_target")
QUARANTINE = ("source", "table", "file", "row", "reason", "raw")


def columns(list_name: str) -> tuple[str, ...]:
    """The columns of ``lists/<name>.csv``, in order."""
    return COMMON + EXTRA[list_name]


def rule_columns(list_name: str) -> tuple[str, ...]:
    """The columns a rule writes for a list (the contract's minus the case columns)."""
    return COMMON[len(CASE):] + EXTRA[list_name]


def sort_columns(list_name: str) -> tuple[str, ...]:
    """The row order of a list: the rule columns first, the case columns last, so that
    adding the case columns moves no row."""
    return rule_columns(list_name) + CASE


def case_key(list_name: str) -> tuple[str, ...]:
    """The fields that name a case of a list (RULES §8)."""
    return CASE_KEY[list_name]
