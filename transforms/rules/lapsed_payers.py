"""RULES §4 lapsed_payers: open participants who should pay for the as-of year and have
not (sql/lists/list_lapsed_payers.sql over rule_ledger, rule_enterprise_status,
special_group_members and deaths_by_id).

Skipped without its sources: no ledger or no contributions -> the list is empty (not
everyone); no enterprise_pension or a group list missing -> it may list too many.
"""
from __future__ import annotations

import duckdb

from transforms.rules import GROUP_TABLES, RuleContext, make_list, missing_tables, require


def build(con: duckdb.DuckDBPyConnection, ctx: RuleContext) -> dict[str, int]:
    run = require(con, ctx, "lapsed_payers", ("participants", "contributions"),
                  "无法判断谁未缴费，本项核查未运行")
    if run:
        require(con, ctx, "lapsed_payers.enterprise", ("enterprise_pension",),
                "未能排除企业职工养老保险在缴人员，名单可能偏多")
        if missing_tables(con, GROUP_TABLES):
            require(con, ctx, "lapsed_payers.special_groups", GROUP_TABLES,
                    "未能排除这些名单中由县财政代缴的特殊群体，名单可能偏多")
    return make_list(con, "lapsed_payers", {**ctx.params, "run": run})
