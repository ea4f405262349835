"""The case registry (RULES §8): every list row becomes a case with a ``case_id`` and a
``case_status``, and the townships' decisions take effect.

``update_cases`` runs after the rules and before the export, in one explicit
transaction: it numbers the cases raised for the first time, works out each case's
status from the earlier as-of dates' listings and the decisions in force
(``sql/cases/status.sql``), holds off the cases a decision keeps off their list, puts
``case_id`` and ``case_status`` in front of every list table, and records tonight's
listings (replacing an earlier run's of the same as-of date) and the list sizes
(``run_history``). Nothing it reads depends on when it runs, only on the inputs, the
as-of date and what earlier as-of dates and imports left, so a rerun of the same
as-of date gives the same lists.
"""
from __future__ import annotations

import datetime as dt
import logging

import duckdb
import pyarrow as pa

from transforms import lists_schema
from transforms.cases.case_id import format_case_id
from transforms.config import Config
from transforms.export.stamp import warehouse_secret
from transforms.sqlfile import ident, materialise, run_sql

log = logging.getLogger(__name__)


def list_table(name: str) -> str:
    return "review_queue" if name == "review_queue" else f"list_{name}"


def ensure_registry(con: duckdb.DuckDBPyConnection) -> None:
    """Create the registry tables when a warehouse has none yet (idempotent)."""
    run_sql(con, "cases/schema")
    run_sql(con, "cases/macro_fact_label")


def decisions_now(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> int:
    """``_case_decisions_now``: the decision in force per case for a run of ``as_of``."""
    ensure_registry(con)
    return materialise(con, "cases/current_decisions", "_case_decisions_now", {"as_of": as_of})


def review_pairs(con: duckdb.DuckDBPyConnection, config: Config) -> int:
    """``_case_review_pairs``: match_review's pairs with their case key and facts."""
    from transforms.ledger import create_ledger_view
    from transforms.sqlbuild import review_source_records_sql

    create_ledger_view(con)
    con.execute("create or replace temp table review_source_records as\n"
                + review_source_records_sql(config))
    return materialise(con, "cases/review_pairs", "_case_review_pairs")


# Two key fields of lists_schema.case_key name a row only within one run (a _rid): the
# key reads what the row is instead. A review row's record: its ID as given, name and
# birth date (sql/cases/review_pairs.sql; '' for a sign of life). A contribution row:
# its 缴费日期 (with ID, year and issue that names the payment).
_KEY_PART = {("review_queue", "src_rid"): "coalesce(p.source_record, '')",
             ("contribution_issues", "contribution_rid"):
                 "coalesce(strftime(c.pay_date, '%Y-%m-%d'), '')"}
_KEY_JOIN = {"review_queue": ("left join _case_review_pairs as p on p.src_table = t.src_table "
                              "and p.src_rid = t.src_rid and p.ledger_id_number = t.id_number"),
             "contribution_issues": ("left join stg_contributions as c "
                                     "on c._rid = t.contribution_rid")}


def case_keys_sql(has_contributions: bool = True) -> str:
    """One select of (list, _row, case_key) over every list table, the key being the
    fields of ``lists_schema.case_key`` as text, '|'-joined (NULL as '')."""
    parts = []
    for name in lists_schema.LISTS:
        fields, join = [], _KEY_JOIN.get(name, "")
        if name == "contribution_issues" and not has_contributions:
            join = "left join (select null::bigint as _rid, null::date as pay_date) as c on false"
        for column in lists_schema.case_key(name):
            if (name, column) in _KEY_PART:
                fields.append(_KEY_PART[name, column])
            else:
                fields.append(f"coalesce(cast(t.{ident(column)} as varchar), '')")
        parts.append(f"select '{name}' as list, t.rowid as _row, "
                     f"concat_ws('|', {', '.join(fields)}) as case_key "
                     f"from {ident(list_table(name))} as t {join}")
    return "\nunion all\n".join(parts)


def update_cases(con: duckdb.DuckDBPyConnection, config: Config, as_of: dt.date) -> dict:
    """Turn tonight's list tables into cases; returns list sizes and status counts."""
    ensure_registry(con)
    warehouse_secret(con)  # the workbook stamp's key exists before the export reads it
    county = config.county
    params = {"as_of": as_of, "grace_days": config.policy.decision_grace_days,
              "configured": [t.name for t in county.townships],
              "unknown": county.unknown_township}
    for name in lists_schema.LISTS:
        cols = [r[0] for r in con.execute(f"describe {list_table(name)}").fetchall()]
        if "case_id" in cols:
            raise RuntimeError(f"cases: {list_table(name)} already has case columns")
    review_pairs(con, config)
    has_contributions = bool(con.execute(
        "select count(*) from information_schema.tables where table_name = 'stg_contributions'"
    ).fetchone()[0])
    sql = case_keys_sql(has_contributions)
    log.debug("sql case keys\n%s", sql)
    con.execute(f"create or replace temp table _case_keys as\n{sql}")
    materialise(con, "cases/case_rows", "_case_rows", params)
    con.execute("begin")
    try:
        new = _number_new_cases(con, as_of)
        decisions_now(con, as_of)
        materialise(con, "cases/status", "_case_status", params)
        counts = {}
        for name in lists_schema.LISTS:
            counts[list_table(name)] = _rewrite_list(con, name)
        _record_listings(con, as_of)
        run_at = dt.datetime.now().replace(microsecond=0)
        con.executemany("insert into run_history values ($1, $2, $3, $4)",
                        [(as_of, run_at, t, n) for t, n in sorted(counts.items())])
        statuses = dict(con.execute(
            "select case when held then 'held' else case_status end, count(*) "
            "from _case_status group by 1 order by 1").fetchall())
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        for table in ("_case_keys", "_case_rows", "_case_status", "_case_decisions_now",
                      "_case_review_pairs"):
            con.execute(f"drop table if exists {table}")
    log.info("cases: %d numbered tonight; statuses %s", new, statuses)
    return {"lists": counts, "statuses": statuses, "new_cases": statuses.get("new", 0),
            "numbered": new}


def _number_new_cases(con, as_of: dt.date) -> int:
    rows = run_sql(con, "cases/new_cases").fetchall()
    if not rows:
        return 0
    table = pa.table({
        "case_id": [format_case_id(lst, serial) for lst, _, serial in rows],
        "list": [r[0] for r in rows], "case_key": [r[1] for r in rows],
        "serial": pa.array([r[2] for r in rows], pa.int32()),
        "first_as_of": pa.array([as_of] * len(rows), pa.date32())})
    con.register("_case_new", table)
    try:
        con.execute("insert into cases select case_id, list, case_key, serial, first_as_of "
                    "from _case_new")
    finally:
        con.unregister("_case_new")
    return len(rows)


def _rewrite_list(con, name: str) -> int:
    """Put case_id and case_status in front of a list table and drop the held rows."""
    table = list_table(name)
    con.execute(f"""create or replace temp table _case_list as
        select s.case_id, s.case_status, t.* replace (t.evidence || s.evidence_note as evidence)
        from {table} as t
        join _case_rows as r on r.list = $list and r._row = t.rowid
        join _case_status as s on s.list = r.list and s.case_key = r.case_key
        where not s.held""", {"list": name})
    con.execute(f"create or replace table {table} as select * from _case_list")
    con.execute("drop table _case_list")
    return con.execute(f"select count(*) from {table}").fetchone()[0]


def _record_listings(con, as_of: dt.date) -> None:
    con.execute("delete from case_listings where as_of = $as_of", {"as_of": as_of})
    con.execute("""insert into case_listings
        select case_id, $as_of, not held, case when held then null else case_status end,
               township, facts
        from _case_status""", {"as_of": as_of})
