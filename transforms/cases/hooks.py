"""Where the review sheet's answers act before the lists are built (RULES §8).

- ``apply_match_decisions`` (after matching): a pair answered 是 becomes a link with
  match_method ``manual`` in ``match_links`` and its source record leaves
  ``match_review``; a pair answered 否 leaves ``match_review`` (the record goes on to
  its other candidates, if any, or stays unmatched). Both hold while the two records
  are unchanged (the pair's facts equal those the township judged); a pair whose
  records changed stays in review and comes back ``reopened``.
- ``set_aside_death_records`` (deaths rules, after ``death_records``): a sign of life
  answered 否 (alive) sets aside the person's death records the township saw; a new one
  counts again.
- ``drop_explained_signals`` (deaths rules, after ``alive_signals``): a sign of life
  answered 是 (dead) no longer holds the death back, up to the latest sign the township
  saw; a later sign asks again.

Each acts only on runs with a later as-of date than the decision (``current_decisions``).
"""
from __future__ import annotations

import datetime as dt
import logging

import duckdb

from transforms.cases.registry import decisions_now, review_pairs
from transforms.config import Config
from transforms.sqlfile import run_sql

log = logging.getLogger(__name__)


def _has_registry(con) -> bool:
    return bool(con.execute("select count(*) from information_schema.tables "
                            "where table_name = 'case_decisions'").fetchone()[0])


def apply_match_decisions(con: duckdb.DuckDBPyConnection, config: Config,
                          as_of: dt.date) -> dict[str, int]:
    """Turn decided review pairs into manual links / rejections; counts of each."""
    if not _has_registry(con) or not decisions_now(con, as_of):
        return {"manual_links": 0, "rejected_pairs": 0}
    review_pairs(con, config)
    con.execute("begin")
    try:
        run_sql(con, "cases/decided_pairs", create="_case_decided_pairs", temp=True)
        linked = con.execute("""insert into match_links
            select m.src_table, m.src_rid, m.ledger_rid, m.ledger_id_number, 'manual',
                   m.score, '乡镇于' || strftime(p.decided_as_of, '%Y-%m-%d') || '确认为同一人'
            from match_review as m
            join _case_decided_pairs as p
              on p.src_table = m.src_table and p.src_rid = m.src_rid
             and p.ledger_id_number = m.ledger_id_number
            where p.answer = '是'""").fetchone()[0]
        con.execute("""delete from match_review as m using _case_decided_pairs as p
            where p.src_table = m.src_table and p.src_rid = m.src_rid
              and (p.answer = '是' or p.ledger_id_number = m.ledger_id_number)""")
        rejected = con.execute("select count(*) from _case_decided_pairs "
                               "where answer = '否'").fetchone()[0]
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.execute("drop table if exists _case_decided_pairs")
        con.execute("drop table if exists _case_review_pairs")
    log.info("match decisions: %d manual links, %d pairs rejected", linked, rejected)
    return {"manual_links": int(linked), "rejected_pairs": int(rejected)}


def set_aside_death_records(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> int:
    """Delete from ``death_records`` the records a 否 (alive) set aside; how many."""
    if not _has_registry(con) or not decisions_now(con, as_of):
        return 0
    [(n,)] = run_sql(con, "cases/set_aside_deaths").fetchall()
    if n:
        log.info("deaths: %d death records set aside by a township's 否", n)
    return int(n)


def drop_explained_signals(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> int:
    """Delete from ``alive_signals`` the signs a 是 (dead) explained; how many."""
    if not _has_registry(con) or not decisions_now(con, as_of):
        return 0
    [(n,)] = run_sql(con, "cases/explained_signals").fetchall()
    if n:
        log.info("deaths: %d signs of life explained by a township's 是", n)
    return int(n)
