"""RULES §3 deaths: death records, one row per dead person, signs of life, and the two
death lists (deceased_accounts, funeral_grants).

Tables written (architecture.md stage 3):

- ``death_records(src_table, src_rid, source, id_number, ledger_id_number, method, score,
  death_date)`` — every record whose table's death rule (sources.yaml ``death:``) holds.
  ``id_number`` is the record's own ID when its status is valid/converted_15, else NULL.
- ``deaths_by_id(id_number, death_date, death_sources, date_conflict, in_ledger,
  alive_signal)`` — one row per person.
- ``alive_signals(id_number, source, signal_date, signal_count, source_name, death_date,
  days_after)`` — signs of life, read by the review rules.
- ``death_persons`` — deaths_by_id plus the match method and the death part of the
  evidence line (internal to the rule modules).
- ``list_deceased_accounts``, ``list_funeral_grants``.

Decisions the rules leave open:

- A record still in ``match_review`` and not auto-linked identifies nobody until decided
  (RULES §7, docs/decisions.md), even when its own ID is valid: such a death record
  makes no one dead, such an enrollment row gives no one a sign of life.
- Within one source the earliest date stands for the source; the person's date is the
  first source in DEATH_SOURCE_PRIORITY with a date; ``date_conflict`` compares the
  sources' dates. A person whose sources give no date has a NULL death_date: no
  overpayment figures, no sign-of-life check, no funeral grant (its date is unknown).
- No ``benefit_payments`` tonight: months_overpaid, overpaid_amount and last_paid_month
  are NULL (cannot be computed), the evidence says so, and "drawing when died" for the
  funeral grant rests on 待遇状态 alone. No ``funeral_grants`` tonight: the funeral list is
  not built (everyone would look unpaid) and stays empty.
"""
from __future__ import annotations

import logging
import re

import duckdb

from transforms.cases.hooks import drop_explained_signals, set_aside_death_records
from transforms.config import Config
from transforms.ledger import create_ledger_view
from transforms.match.engine import METHODS
from transforms.rules import RuleContext, skip, table_present
from transforms.sqlfile import run_sql

log = logging.getLogger(__name__)

# RULES §3: the death date comes from the first source that has one, in this order.
DEATH_SOURCE_PRIORITY = ("public_security", "health", "civil_affairs", "medical_insurance")
_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")
_EMPTY_DEATH_RAW = ("select null::varchar as src_table, null::bigint as src_rid, "
                    "null::varchar as source, null::varchar as id_number, "
                    "null::date as death_date where false")


def death_tables(config: Config) -> list[str]:
    """Tables with a death rule, in config order."""
    return [name for name, t in config.sources.tables.items() if t.death is not None]


def death_raw_sql(config: Config, tables: list[str]) -> tuple[str, dict]:
    """One UNION ALL select of the death records of ``tables``, shaped by their death rules.

    Identifiers come from validated config (checked again here); the status and reason
    values are bound as parameters.
    """
    parts, params = [], {}
    for i, name in enumerate(tables):
        table = config.sources.tables[name]
        rule = table.death
        for ident in (name, table.source, rule.date_column, rule.status_column,
                      rule.reason_column):
            if ident is not None and not _IDENT.match(ident):
                raise ValueError(f"sources.yaml: {name}: bad identifier {ident!r}")
        where = []
        for col, value, key in ((rule.status_column, rule.status_value, f"status_{i}"),
                                (rule.reason_column, rule.reason_value, f"reason_{i}")):
            if col is None:
                continue
            if value is None:
                where.append(f'"{col}" is not null')
            else:
                where.append(f'"{col}" = ${key}')
                params[key] = value
        parts.append(
            f"select '{name}' as src_table, _rid as src_rid, '{table.source}' as source, "
            "case when id_status in ('valid', 'converted_15') then id_number end as id_number, "
            f'"{rule.date_column}" as death_date from stg_{name}'
            + (" where " + " and ".join(where) if where else ""))
    return ("\nunion all\n".join(parts) if parts else _EMPTY_DEATH_RAW), params


def build(con: duckdb.DuckDBPyConnection, ctx: RuleContext) -> None:
    create_ledger_view(con)
    config = ctx.config
    present = []
    for name in death_tables(config):
        if table_present(con, name):
            present.append(name)
        else:
            source = config.sources.tables[name].source
            skip(con, f"deaths.{name}", f"未收到{source}/{name}，该来源的死亡记录未纳入核查")
    sql, raw_params = death_raw_sql(config, present)
    log.debug("sql death_raw params=%s\n%s", raw_params, sql)
    con.execute(f"create or replace temp table death_raw as\n{sql}", raw_params)

    payments_present = table_present(con, "benefit_payments")
    grants_present = table_present(con, "funeral_grants")
    params = {**ctx.params, "death_priority": list(DEATH_SOURCE_PRIORITY),
              "method_strength": list(METHODS),  # RULES §2 order: the strongest first
              "payments_present": payments_present, "grants_present": grants_present}

    run_sql(con, "lists/deaths/death_records", params, create="death_records")
    set_aside_death_records(con, ctx.as_of)  # RULES §8: a sign of life answered 否
    run_sql(con, "lists/deaths/death_persons", params, create="death_persons")
    if not table_present(con, "contributions"):
        skip(con, "signs_of_life.contributions",
             "未收到pension/contributions，无法用死亡后缴费核查生存迹象")
    if not table_present(con, "enrollment"):
        skip(con, "signs_of_life.claims",
             "未收到medical_insurance/enrollment，无法用死亡后医保结算核查生存迹象")
    run_sql(con, "lists/deaths/alive_signals", params, create="alive_signals")
    drop_explained_signals(con, ctx.as_of)  # RULES §8: a sign of life answered 是
    run_sql(con, "lists/deaths/deaths_by_id", params, create="deaths_by_id")

    ledger_present = table_present(con, "participants")
    if not ledger_present:
        skip(con, "deceased_accounts", "未收到pension/participants（台账），无法核查死亡人员账户")
        skip(con, "funeral_grants", "未收到pension/participants（台账），无法核查丧葬补助金")
    if not payments_present:
        skip(con, "deceased_accounts.overpayment",
             "未收到pension/benefit_payments，无法计算死亡后多发月数和金额；"
             "丧葬补助金仅按待遇状态判断是否在领")
    run_sql(con, "lists/deaths/dead_participants", params, create="dead_participants", temp=True)
    run_sql(con, "lists/deaths/list_deceased_accounts", params, create="list_deceased_accounts")
    run_sql(con, "lists/deaths/list_funeral_grants", params, create="list_funeral_grants")
    if not grants_present and ledger_present:
        skip(con, "funeral_grants",
             "未收到pension/funeral_grants，无法判断丧葬补助金是否已发放，本次不出名单")

    counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0]
              for t in ("death_records", "deaths_by_id", "alive_signals",
                        "list_deceased_accounts", "list_funeral_grants")}
    log.info("deaths: %s", counts)
