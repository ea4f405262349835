"""RULES §6 progress (progress.csv, not a list of CONTRACT §3): one row per configured
township in config order, then the unknown township when something counts there
(sql/lists/progress.sql over rule_ledger and rule_residents; the row order is the
export's).

Skipped without its sources: no registry or ledger -> eligible, insured,
participation_rate and gap_to_target empty; no township_targets -> target and
completion_rate empty; no ledger or contributions -> completed empty.
"""
from __future__ import annotations

import duckdb

from transforms.rules import RuleContext, make_list, require


def build(con: duckdb.DuckDBPyConnection, ctx: RuleContext) -> dict[str, int]:
    with_population = require(con, ctx, "progress.participation",
                              ("household_registry", "participants"),
                              "eligible、insured、participation_rate 与 gap_to_target 未计算")
    with_targets = require(con, ctx, "progress.target", ("township_targets",),
                           "target 与 completion_rate 为空")
    with_completed = require(con, ctx, "progress.completed", ("participants", "contributions"),
                             "无台账或缴费记录，completed 未计算")
    return make_list(con, "progress", {**ctx.params, "with_targets": with_targets,
                                       "with_completed": with_completed,
                                       "with_population": with_population})
