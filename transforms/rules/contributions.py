"""RULES.md §4: special groups of each year, contribution_issues and special_groups.

Also builds the small person tables that lapsed and coverage read after it
(build_lists runs contributions before them):

- ``rule_person_ids(src_table, src_rid, id_number, in_ledger)`` — whom each record
  of assistance, poverty_monitoring, family_planning, household_registry and
  enterprise_pension is about (its accepted match, else its own valid ID).
- ``rule_ledger`` — one row per ledger participant with age, is_open, is_drawing.
- ``rule_enterprise_status(id_number, paying, drawing, phrase)``.
- ``special_group_members(id_number, category, year, source, detail)`` and
  ``tuopin_members(id_number, year)``.
"""
from __future__ import annotations

import logging

import duckdb

from transforms.ledger import create_ledger_view
from transforms.rules import RuleContext, skip, table_present
from transforms.sqlfile import run_sql

log = logging.getLogger(__name__)

SQL = "lists/contributions/"
# Department lists that put a person in a special group (or among 脱贫人口).
GROUP_TABLES = ("assistance", "poverty_monitoring", "family_planning")
MACROS = ("macro_yuan", "macro_age", "macro_id_birth", "macro_rate")

CONTRIBUTION_ISSUES = ("invalid_tier", "tier_100_not_eligible", "amount_mismatch",
                       "provincial_subsidy_mismatch", "county_subsidy_mismatch")
SPECIAL_GROUP_REASONS = ("not_enrolled", "not_paid_by_county", "county_paid_not_eligible",
                         "ledger_category_unsupported")


def rule_params(ctx: RuleContext, **extra) -> dict:
    """ctx.params plus the configured township names (config order) for coverage."""
    return {**ctx.params, "townships": [t.name for t in ctx.config.county.townships], **extra}


def missing_tables(con: duckdb.DuckDBPyConnection, tables) -> list[str]:
    return [t for t in tables if not table_present(con, t)]


def _source_names(ctx: RuleContext, tables) -> str:
    return "、".join(f"{ctx.config.sources.tables[t].source}/{t}" for t in tables)


def require(con: duckdb.DuckDBPyConnection, ctx: RuleContext, check: str, tables,
            consequence: str = "本项核查未运行") -> bool:
    """True when every table came tonight; else record the skipped check and return False."""
    gone = missing_tables(con, tables)
    if gone:
        skip(con, check, f"本次未收到{_source_names(ctx, gone)}：{consequence}")
        return False
    return True


def prepare_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Temp macros the list SQL shares (money, age, ID birth date, rates)."""
    for name in MACROS:
        run_sql(con, SQL + name)


def build_people(con: duckdb.DuckDBPyConnection, ctx: RuleContext) -> None:
    """Person tables for contributions, lapsed and coverage (see module docstring)."""
    prepare_macros(con)
    params = rule_params(ctx)
    for name, table in (("person_ids", "rule_person_ids"), ("ledger_people", "rule_ledger"),
                        ("enterprise_status", "rule_enterprise_status"),
                        ("special_group_members", "special_group_members"),
                        ("tuopin_members", "tuopin_members")):
        run_sql(con, SQL + name, params, create=table)


def _enabled_issues(con, ctx) -> list[str]:
    if not require(con, ctx, "contribution_issues", ("contributions",)):
        return []
    enabled = list(CONTRIBUTION_ISSUES)
    if not require(con, ctx, "contribution_issues.tier_100_not_eligible", GROUP_TABLES,
                   "无法判断按100元档缴费者是否属于特殊群体或脱贫人口，本项未核查"):
        enabled.remove("tier_100_not_eligible")
    return enabled


def _enabled_reasons(con, ctx) -> list[str]:
    present_groups = [t for t in GROUP_TABLES if table_present(con, t)]
    gone_groups = [t for t in GROUP_TABLES if t not in present_groups]
    enabled = []
    if not present_groups:
        require(con, ctx, "special_groups.not_enrolled", GROUP_TABLES)
        require(con, ctx, "special_groups.not_paid_by_county", GROUP_TABLES)
    else:
        if gone_groups:
            skip(con, "special_groups", f"本次未收到{_source_names(ctx, gone_groups)}："
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


def build(con: duckdb.DuckDBPyConnection, ctx: RuleContext) -> None:
    """special_group_members, tuopin_members, list_contribution_issues, list_special_groups."""
    create_ledger_view(con)
    build_people(con, ctx)
    issues = _enabled_issues(con, ctx)
    run_sql(con, SQL + "contribution_issues", rule_params(ctx, enabled=issues),
            create="list_contribution_issues")
    reasons = _enabled_reasons(con, ctx)
    run_sql(con, SQL + "special_groups", rule_params(ctx, enabled=reasons),
            create="list_special_groups")
    counts = {t: con.execute(f"select count(*) from {t}").fetchall()[0][0]
              for t in ("special_group_members", "tuopin_members", "list_contribution_issues",
                        "list_special_groups")}
    log.info("contributions: %s", counts)
