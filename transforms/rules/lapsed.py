"""RULES.md §4 lapsed_payers: open participants who have not paid for the as-of year.

Reads the person tables contributions.build made (rule_ledger,
rule_enterprise_status, special_group_members) and deaths_by_id.
"""
from __future__ import annotations

import logging

import duckdb

from transforms.rules import RuleContext
from transforms.rules.contributions import (
    GROUP_TABLES,
    missing_tables,
    prepare_macros,
    require,
    rule_params,
)
from transforms.sqlfile import run_sql

log = logging.getLogger(__name__)


def build(con: duckdb.DuckDBPyConnection, ctx: RuleContext) -> None:
    """list_lapsed_payers (empty, with the check recorded as skipped, without the ledger)."""
    prepare_macros(con)  # temp macros do not survive a reopened warehouse
    run = require(con, ctx, "lapsed_payers", ("participants", "contributions"),
                  "无法判断谁未缴费，本项核查未运行")
    if run:
        require(con, ctx, "lapsed_payers.enterprise", ("enterprise_pension",),
                "未能排除企业职工养老保险在缴人员，名单可能偏多")
        if missing_tables(con, GROUP_TABLES):
            require(con, ctx, "lapsed_payers.special_groups", GROUP_TABLES,
                    "未能排除这些名单中由县财政代缴的特殊群体，名单可能偏多")
    run_sql(con, "lists/lapsed/lapsed_payers", rule_params(ctx, run=run),
            create="list_lapsed_payers")
    count = con.execute("select count(*) from list_lapsed_payers").fetchall()[0][0]
    log.info("lapsed_payers: %d rows", count)
