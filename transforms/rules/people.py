"""The intermediate layer (transforms/sql/intermediate/): who is dead, who is whom, who
belongs to which group — the tables the list rules share. Build it once, then any list
module can be built (and tested) alone.

Each table is made by the SQL file of the same name (``intermediate/<table>.sql``):

- deaths (RULES §3): ``death_records(src_table, src_rid, source, id_number,
  ledger_id_number, method, score, death_date)`` — every record whose table's death rule
  (sources.yaml ``death:``) holds; ``death_persons`` (one row per person, with the match
  method and the death part of the evidence line); ``alive_signals(id_number, source,
  signal_date, signal_count, source_name, death_date, days_after)``; ``deaths_by_id``
  (one row per person: "no death record" means no row here); ``dead_participants``
  (ledger participants with a death record and no sign of life: where both death lists
  start).
- people (RULES §2, §4): ``rule_person_ids(src_table, src_rid, id_number, in_ledger)``
  (whom each record of assistance, poverty_monitoring, family_planning,
  household_registry and enterprise_pension is about); ``rule_ledger`` (one row per
  participant with age, is_open, is_drawing); ``rule_enterprise_status(id_number,
  paying, drawing, phrase)``; ``special_group_members(id_number, category, year, source,
  detail)``; ``tuopin_members(id_number, year)``.
- coverage (RULES §6): ``rule_residents`` (registry residents with their scheme status).
- enterprise (RULES §5): ``enterprise_periods`` and ``overlap_years``.

Decisions the rules leave open (deaths):

- A record still in ``match_review`` and not auto-linked identifies nobody until decided
  (RULES §7, docs/decisions.md), even when its own ID is valid: such a death record
  makes no one dead, such an enrollment row gives no one a sign of life.
- Within one source the earliest date stands for the source; the person's date is the
  first source in DEATH_SOURCE_PRIORITY with a date; ``date_conflict`` compares the
  sources' dates. A person whose sources give no date has a NULL death_date: no
  overpayment figures, no sign-of-life check, no funeral grant (its date is unknown).
"""
from __future__ import annotations

import duckdb

from transforms.cases.hooks import drop_explained_signals, set_aside_death_records
from transforms.ledger import create_ledger_view
from transforms.match.engine import METHODS
from transforms.rules import RuleContext, skip, table_present
from transforms.sqlbuild import create_as_sql, death_raw_sql, death_tables, ident
from transforms.sqlfile import run_sql

SQL = "intermediate/"
MACROS = ("macro_yuan", "macro_age", "macro_id_birth", "macro_rate")
# RULES §3: the death date comes from the first source that has one, in this order.
DEATH_SOURCE_PRIORITY = ("public_security", "health", "civil_affairs", "medical_insurance")
# The tables of the layer, in build order (each intermediate/<table>.sql).
DEATH_TABLES = ("death_records", "death_persons", "alive_signals", "deaths_by_id",
                "dead_participants")
PEOPLE_TABLES = ("rule_person_ids", "rule_ledger", "rule_enterprise_status",
                 "special_group_members", "tuopin_members", "rule_residents",
                 "enterprise_periods", "overlap_years")
TABLES = DEATH_TABLES + PEOPLE_TABLES
# Read by the lists alone, in this run on this connection: temp tables (DuckDB writes a
# temp table about five times cheaper than a persistent one, which it compresses; on
# 2 M people rule_residents alone 5.0 s against 2.4 s). The rest are read by later steps
# too (cases: death_records, death_persons, alive_signals; export: rule_ledger).
# A rule shard keeps them all (its progress task reads rule_residents' files); the
# gather leaves these out, so a sharded warehouse holds what a local one does.
RUN_ONLY = ("deaths_by_id", "dead_participants", "rule_person_ids", "rule_enterprise_status",
            "special_group_members", "tuopin_members", "rule_residents",
            "enterprise_periods", "overlap_years")
# A sign of life answered 否 sets the death records aside, one answered 是 explains the
# signs (transforms/cases/hooks.py); they act on the table just made, before the rest.
_DECISION_HOOKS = {"death_records": set_aside_death_records,
                   "alive_signals": drop_explained_signals}


def macros(con: duckdb.DuckDBPyConnection) -> None:
    """Temp macros the SQL shares (money, age, ID birth date, rates): cheap, idempotent,
    and needed again on a reopened warehouse (temp macros do not survive it)."""
    for name in MACROS:
        run_sql(con, SQL + name)


def make(con: duckdb.DuckDBPyConnection, table: str, params: dict, temp: bool = False) -> int:
    """Create ``table`` from intermediate/<table>.sql; its row count (from CREATE)."""
    [(rows,)] = run_sql(con, SQL + table, params, create=table, temp=temp).fetchall()
    return int(rows)


def drop_persistent(con: duckdb.DuckDBPyConnection, tables) -> None:
    """Drop the persistent copies an earlier version left of tables now made temp
    (a temp table of the name would hide them, stale, in the warehouse)."""
    rows = con.execute("select database_name, table_name from duckdb_tables() "
                       "where not temporary and schema_name = 'main' "
                       "and list_contains($t, table_name)", {"t": list(tables)}).fetchall()
    for database, table in rows:
        quoted = '"' + database.replace('"', '""') + '"'  # the file's name, from the catalogue
        con.execute(f"drop table {quoted}.main.{ident(table)}")


def _death_raw(con: duckdb.DuckDBPyConnection, ctx: RuleContext) -> None:
    """Temp ``death_raw``: the death records of the death tables that came tonight."""
    config = ctx.config
    present = []
    for name in death_tables(config):
        if table_present(con, name):
            present.append(name)
        else:
            source = config.sources.tables[name].source
            skip(con, f"deaths.{name}", f"未收到{source}/{name}，该来源的死亡记录未纳入核查")
    sql, params = death_raw_sql(config, present)
    con.execute(create_as_sql("death_raw", sql, temp=True), params)


def _signal_skips(con: duckdb.DuckDBPyConnection) -> None:
    if not table_present(con, "contributions"):
        skip(con, "signs_of_life.contributions",
             "未收到pension/contributions，无法用死亡后缴费核查生存迹象")
    if not table_present(con, "enrollment"):
        skip(con, "signs_of_life.claims",
             "未收到medical_insurance/enrollment，无法用死亡后医保结算核查生存迹象")


def build(con: duckdb.DuckDBPyConnection, ctx: RuleContext,
          keep_all: bool = False) -> dict[str, int]:
    """Every table of the layer (module docstring); returns their row counts. The
    ``RUN_ONLY`` tables are temp tables of ``con`` unless ``keep_all`` (a rule shard)."""
    temp = () if keep_all else RUN_ONLY
    drop_persistent(con, temp)
    create_ledger_view(con)
    macros(con)
    _death_raw(con, ctx)
    _signal_skips(con)
    params = {**ctx.params, "death_priority": list(DEATH_SOURCE_PRIORITY),
              "method_strength": list(METHODS)}  # RULES §2 order: the strongest first
    counts = {}
    for table in TABLES:
        counts[table] = make(con, table, params, temp=table in temp)
        hook = _DECISION_HOOKS.get(table)
        if hook is not None:  # RULES §8: the review sheet's answers on signs of life
            counts[table] -= hook(con, ctx.as_of)
    return counts
