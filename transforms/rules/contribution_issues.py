"""RULES §4 contribution_issues: one row per (contribution row, issue)
(sql/lists/list_contribution_issues.sql; ``$enabled`` names the issues whose sources
came tonight).

Skipped without its sources: no ``contributions`` -> nothing; no group lists
(assistance, poverty_monitoring, family_planning) -> ``tier_100_not_eligible`` cannot
tell who may pay the special tier.
"""
from __future__ import annotations

import duckdb

from transforms.rules import GROUP_TABLES, RuleContext, make_list, require

ISSUES = ("invalid_tier", "tier_100_not_eligible", "amount_mismatch",
          "provincial_subsidy_mismatch", "county_subsidy_mismatch")


def enabled_issues(con: duckdb.DuckDBPyConnection, ctx: RuleContext) -> list[str]:
    if not require(con, ctx, "contribution_issues", ("contributions",)):
        return []
    enabled = list(ISSUES)
    if not require(con, ctx, "contribution_issues.tier_100_not_eligible", GROUP_TABLES,
                   "无法判断按100元档缴费者是否属于特殊群体或脱贫人口，本项未核查"):
        enabled.remove("tier_100_not_eligible")
    return enabled


def build(con: duckdb.DuckDBPyConnection, ctx: RuleContext) -> dict[str, int]:
    return make_list(con, "contribution_issues",
                     {**ctx.params, "enabled": enabled_issues(con, ctx)})
