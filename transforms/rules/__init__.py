"""RULES.md §3–7: from staging and match tables to the list tables.

``people.build`` makes the intermediate tables every list reads
(transforms/sql/intermediate/); then each list is one module ``rules/<list>.py`` with
a ``build(con, ctx) -> {table: rows}`` function over one ``sql/lists/list_<name>.sql``.
``build_lists`` runs them in order, checks every list against its contract
(``sql/lists/list_<name>.yml``, GX suite) and returns the row counts the
CREATE statements reported (no count(*) queries of its own).
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import duckdb

from transforms.config import Config
from transforms.progress import report as report_progress
from transforms.rules.policy_tables import build_policy_tables, years_in_play

log = logging.getLogger(__name__)

# Department lists that put a person in a special group (or among 脱贫人口), RULES §4.
GROUP_TABLES = ("assistance", "poverty_monitoring", "family_planning")


@dataclass(frozen=True)
class RuleContext:
    """What every rule module receives: the config, the as-of date, SQL parameters."""
    config: Config
    as_of: dt.date

    @property
    def params(self) -> dict:
        p = self.config.policy
        ages = p.ages
        return {
            "as_of": self.as_of,
            "as_of_year": self.as_of.year,
            "as_of_month": self.as_of.replace(day=1),
            "age_min": ages.contribute_min,
            "age_max": ages.contribute_max,
            "pension_age": ages.pension_age,
            "student_max": ages.student_max,
            "eligible_min": ages.eligible_min,
            "target_rate": p.target_rate,
            "funeral_amount": p.funeral_grant.amount,
            "funeral_start": p.funeral_grant.start_date,
            "conflict_days": p.date_conflict_days,
            "alive_days": p.alive_signal_days,
            "inheritable_since": p.inheritable_subsidy_since,
            "county_paid_min": p.county_paid_minimum,
            "unknown_township": self.config.county.unknown_township,
            # configured township names, in config order (coverage)
            "townships": [t.name for t in self.config.county.townships],
        }


def table_present(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """True when tonight's inbox brought a readable file for the table."""
    rows = con.execute('select present from table_status where "table" = $t',
                       {"t": table}).fetchall()
    return bool(rows and rows[0][0])


def missing_tables(con: duckdb.DuckDBPyConnection, tables) -> list[str]:
    return [t for t in tables if not table_present(con, t)]


def source_names(ctx: RuleContext, tables) -> str:
    """``pension/contributions、…`` for a skip reason."""
    return "、".join(f"{ctx.config.sources.tables[t].source}/{t}" for t in tables)


def skip(con: duckdb.DuckDBPyConnection, check: str, reason: str) -> None:
    """Record a check that could not run (manifest skipped_checks, report)."""
    log.warning("skipped %s: %s", check, reason)
    con.execute("insert into skipped_checks values ($c, $r)", {"c": check, "r": reason})


def require(con: duckdb.DuckDBPyConnection, ctx: RuleContext, check: str, tables,
            consequence: str = "本项核查未运行") -> bool:
    """True when every table came tonight; else record the skipped check and return False."""
    gone = missing_tables(con, tables)
    if gone:
        skip(con, check, f"本次未收到{source_names(ctx, gone)}：{consequence}")
        return False
    return True


def start(con: duckdb.DuckDBPyConnection, config: Config, as_of: dt.date,
          years: range | None = None) -> RuleContext:
    """An empty ``skipped_checks`` and the policy tables of the years in play (``years``,
    by default this warehouse's; a shard gets the county's)."""
    con.execute("create or replace table skipped_checks (\"check\" varchar, reason varchar)")
    build_policy_tables(con, config.policy, years or years_in_play(con, as_of.year))
    return RuleContext(config, as_of)


def build_lists(con: duckdb.DuckDBPyConnection, config: Config, as_of: dt.date,
                years: range | None = None, shard: bool = False) -> dict:
    """Run every rule; returns the row count of every list table and of progress.
    ``years``: the policy years in play, see ``start``. A shard (``shard=True``,
    transforms/shard/) neither checks the contracts nor reports its lists: the gather
    does both once, on the county's lists, as a local run does."""
    from expectations.list_contracts import ListChecks
    from transforms.rules import (
        contribution_issues,
        deceased_accounts,
        enterprise_scheme,
        funeral_grants,
        lapsed_payers,
        people,
        progress,
        review_queue,
        special_groups,
        unenrolled_residents,
    )

    checks = None if shard else ListChecks()  # GX on a thread beside the SQL
    try:
        ctx = start(con, config, as_of, years)
        made = people.build(con, ctx, keep_all=shard)
        log.info("intermediate tables built: %s", made)
        counts: dict[str, int] = {}
        for module in (deceased_accounts, funeral_grants, contribution_issues, special_groups,
                       lapsed_payers, enterprise_scheme, unenrolled_residents, progress,
                       review_queue):
            built = module.build(con, ctx)
            counts.update(built)
            name = module.__name__.rsplit(".", 1)[-1]
            if checks is not None:
                checks.check(con, name)
                report_progress("rules", "list", name, rows=sum(built.values()))
        if checks is not None:
            checks.finish(con)  # a broken contract is a bug in the rules: the run stops here
    finally:
        if checks is not None:
            checks.close()
    counts = dict(sorted(counts.items()))
    log.info("lists built: %s", counts)
    return counts


def make_list(con: duckdb.DuckDBPyConnection, name: str, params: dict) -> dict[str, int]:
    """Create the table of list ``name`` from sql/lists/list_<name>.sql (progress:
    sql/lists/progress.sql); ``{table: rows}`` with the count CREATE reported."""
    from transforms import lists_schema
    from transforms.sqlfile import run_sql

    table = lists_schema.table(name)
    sql = "lists/progress" if name == "progress" else f"lists/list_{name}"
    [(rows,)] = run_sql(con, sql, params, create=table).fetchall()
    return {table: int(rows)}
