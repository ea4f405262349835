"""RULES §6 unenrolled_residents: residents aged contribute_min..contribute_max with no
death record, in neither scheme (sql/lists/list_unenrolled_residents.sql over
rule_residents).

Skipped without its sources: no household_registry or no ledger -> the list is empty;
no enterprise_pension -> it may list too many.
"""
from __future__ import annotations

import duckdb

from transforms.rules import RuleContext, make_list, require


def build(con: duckdb.DuckDBPyConnection, ctx: RuleContext) -> dict[str, int]:
    run = require(con, ctx, "unenrolled_residents", ("household_registry", "participants"),
                  "未核查未参保人员")
    if run:
        require(con, ctx, "unenrolled_residents.enterprise", ("enterprise_pension",),
                "未能排除企业职工养老保险参保人员，名单可能偏多")
    return make_list(con, "unenrolled_residents", {**ctx.params, "run": run})
