"""The columns of every output list (CONTRACT.md §3): the one place they are named."""
from __future__ import annotations

COMMON = ("id_number", "name", "township", "village", "reason", "evidence")

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

PROGRESS = ("township", "target", "completed", "completed_this_week", "completion_rate",
            "eligible", "insured", "participation_rate", "gap_to_target")
QUARANTINE = ("source", "table", "file", "row", "reason", "raw")


def columns(list_name: str) -> tuple[str, ...]:
    return COMMON + EXTRA[list_name]
