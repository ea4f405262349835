"""RULES.md §6: unenrolled_residents and progress (per-township coverage).

Reads rule_person_ids, rule_ledger and rule_enterprise_status (built by
contributions.build, which runs first) and deaths_by_id; builds
``rule_residents`` (registry residents with their scheme status),
``list_unenrolled_residents`` and ``progress``.
"""
from __future__ import annotations

import logging

import duckdb

from transforms.rules import RuleContext
from transforms.rules.contributions import prepare_macros, require, rule_params
from transforms.sqlfile import run_sql

log = logging.getLogger(__name__)

SQL = "lists/coverage/"


def build(con: duckdb.DuckDBPyConnection, ctx: RuleContext) -> None:
    """rule_residents, list_unenrolled_residents and progress."""
    prepare_macros(con)  # temp macros do not survive a reopened warehouse
    unenrolled = require(con, ctx, "unenrolled_residents", ("household_registry", "participants"),
                         "未核查未参保人员")
    if unenrolled:
        require(con, ctx, "unenrolled_residents.enterprise", ("enterprise_pension",),
                "未能排除企业职工养老保险参保人员，名单可能偏多")
    with_population = require(con, ctx, "progress.participation",
                              ("household_registry", "participants"),
                              "eligible、insured、participation_rate 与 gap_to_target 未计算")
    with_targets = require(con, ctx, "progress.target", ("township_targets",),
                           "target 与 completion_rate 为空")
    with_completed = require(con, ctx, "progress.completed", ("participants", "contributions"),
                             "无台账或缴费记录，completed 未计算")

    params = rule_params(ctx)
    run_sql(con, SQL + "residents", params, create="rule_residents")
    run_sql(con, SQL + "unenrolled_residents", {**params, "run": unenrolled},
            create="list_unenrolled_residents")
    run_sql(con, SQL + "progress",
            {**params, "with_targets": with_targets, "with_completed": with_completed,
             "with_population": with_population}, create="progress")
    counts = {t: con.execute(f"select count(*) from {t}").fetchall()[0][0]
              for t in ("rule_residents", "list_unenrolled_residents", "progress")}
    log.info("coverage: %s", counts)
