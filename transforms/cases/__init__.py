"""Cases and the townships' decisions (RULES §8).

Tables (``sql/cases/schema.sql``): ``cases`` (case_id per list and key),
``case_listings`` (per case and as-of date: listed or held, status, township, facts),
``case_decisions`` (every imported answer with its provenance), ``run_history``.
"""
from transforms.cases.case_id import format_case_id, normalise_case_id
from transforms.cases.hooks import (
    apply_match_decisions,
    drop_explained_signals,
    set_aside_death_records,
)
from transforms.cases.registry import ensure_registry, update_cases

__all__ = ["apply_match_decisions", "drop_explained_signals", "ensure_registry",
           "format_case_id", "normalise_case_id", "set_aside_death_records", "update_cases"]
