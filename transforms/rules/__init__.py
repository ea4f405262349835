"""RULES.md §3–7: from staging and match tables to the list tables.

Each rule group is one module with a ``build(con, ctx)`` function; this
module runs them in dependency order. Every list table is ``list_<name>``
with exactly the columns of ``transforms.lists_schema``.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import duckdb

from transforms.config import Config
from transforms.rules.policy_tables import build_policy_tables, years_in_play

log = logging.getLogger(__name__)


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
        }


def table_present(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """True when tonight's inbox brought a readable file for the table."""
    rows = con.execute('select present from table_status where "table" = $t',
                       {"t": table}).fetchall()
    return bool(rows and rows[0][0])


def skip(con: duckdb.DuckDBPyConnection, check: str, reason: str) -> None:
    """Record a check that could not run (manifest skipped_checks, report)."""
    log.warning("skipped %s: %s", check, reason)
    con.execute("insert into skipped_checks values ($c, $r)", {"c": check, "r": reason})


def build_lists(con: duckdb.DuckDBPyConnection, config: Config, as_of: dt.date,
                years: range | None = None) -> dict:
    """Run every rule group; returns row counts per list table. ``years`` (the policy
    years in play) defaults to this warehouse's; a shard gets the county's."""
    from transforms.rules import contributions, coverage, deaths, enterprise, lapsed, review

    ctx = RuleContext(config, as_of)
    con.execute("create or replace table skipped_checks (\"check\" varchar, reason varchar)")
    build_policy_tables(con, config.policy, years or years_in_play(con, as_of.year))
    for module in (deaths, contributions, lapsed, enterprise, coverage, review):
        module.build(con, ctx)
    counts = {}
    for (name,) in con.execute(
            "select table_name from information_schema.tables "
            "where table_name like 'list\\_%' escape '\\' "
            "or table_name in ('progress', 'review_queue') "
            "order by 1").fetchall():
        counts[name] = con.execute(f'select count(*) from "{name}"').fetchone()[0]
    log.info("lists built: %s", counts)
    return counts
