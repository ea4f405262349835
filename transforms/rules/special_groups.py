"""RULES §4 special_groups: one row per (person, reason, year)
(sql/lists/list_special_groups.sql; ``$enabled`` names the reasons whose sources came
tonight), over special_group_members and tuopin_members.

Skipped without its sources: a group list missing -> its people are not checked; no
ledger -> not_enrolled and not_paid_by_county; no contributions -> not_paid_by_county and
county_paid_not_eligible; no enterprise_pension -> not_enrolled may list too many.
"""
from __future__ import annotations

import duckdb

from transforms.rules import (
    GROUP_TABLES,
    RuleContext,
    make_list,
    require,
    skip,
    source_names,
    table_present,
)


def enabled_reasons(con: duckdb.DuckDBPyConnection, ctx: RuleContext) -> list[str]:
    present_groups = [t for t in GROUP_TABLES if table_present(con, t)]
    gone_groups = [t for t in GROUP_TABLES if t not in present_groups]
    enabled = []
    if not present_groups:
        require(con, ctx, "special_groups.not_enrolled", GROUP_TABLES)
        require(con, ctx, "special_groups.not_paid_by_county", GROUP_TABLES)
    else:
        if gone_groups:
            skip(con, "special_groups", f"本次未收到{source_names(ctx, gone_groups)}："
                 "该名单中的特殊群体未核查参保与代缴")
        if require(con, ctx, "special_groups.not_enrolled", ("participants",)):
            enabled.append("not_enrolled")
            require(con, ctx, "special_groups.not_enrolled.enterprise", ("enterprise_pension",),
                    "未能排除企业职工养老保险在缴人员，名单可能偏多")
        if require(con, ctx, "special_groups.not_paid_by_county",
                   ("participants", "contributions")):
            enabled.append("not_paid_by_county")
    if require(con, ctx, "special_groups.county_paid_not_eligible",
               ("contributions", *GROUP_TABLES)):
        enabled.append("county_paid_not_eligible")
    if require(con, ctx, "special_groups.ledger_category_unsupported",
               ("participants", *GROUP_TABLES)):
        enabled.append("ledger_category_unsupported")
    return enabled


def build(con: duckdb.DuckDBPyConnection, ctx: RuleContext) -> dict[str, int]:
    return make_list(con, "special_groups",
                     {**ctx.params, "enabled": enabled_reasons(con, ctx)})
