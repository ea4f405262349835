"""Stage 2: match every department record to the ledger (RULES.md §2).

Writes `match_links` (auto-accepted links) and `match_review` (pairs a person must
decide) as docs/architecture.md describes, replacing any previous run's tables in one
transaction. All work is set-wise SQL in transforms/sql/matching/.
"""
from __future__ import annotations

import logging
import time
from typing import Any

import duckdb

from transforms.config import Config
from transforms.ledger import create_ledger_view
from transforms.match import inputs
from transforms.sqlfile import StepError, materialise, query, read_sql, run_sql

logger = logging.getLogger(__name__)

METHODS = ("id", "id15", "id_repaired", "name_dob")
REVIEW_REASONS = ("fuzzy_match", "id_name_mismatch", "id_repaired")


_MACROS = ("macro_name_class", "macro_name_similarity", "macro_name_phrase",
           "macro_id_status_phrase")
_TEMP_TABLES = ("_match_src_raw", "_match_ledger_raw", "_match_src", "_match_ledger",
                "_match_ledger_dob", "_match_dec_id", "_match_dec_repaired",
                "_match_dec_name_dob")


def match_all(con: duckdb.DuckDBPyConnection, config: Config) -> dict[str, Any]:
    """Match the department staging tables to stg_participants.

    Returns, per department table, ``{"records": n, "links": {method: n},
    "review": {reason: n}, "unmatched": n}`` (counts of department records).
    """
    started = time.perf_counter()
    for macro in _MACROS:
        run_sql(con, "matching/" + macro)
    try:
        # _match_src (sql/matching/sources.sql over the department union) and
        # _match_ledger_raw; checks the ledger is there
        tables = inputs.create_sources(con, config)
        create_ledger_view(con)
        [(n_src,)] = con.execute("select count(*) from _match_src").fetchall()
        n_ledger = materialise(con, "matching/ledger", "_match_ledger")
        [(n_raw,)] = con.execute("select count(*) from _match_ledger_raw").fetchall()
        if n_raw != n_ledger:
            logger.warning("match: %d ledger rows without a valid ID or with a duplicated ID "
                           "set aside (first row per ID kept)", n_raw - n_ledger)
        materialise(con, "matching/ledger_dob", "_match_ledger_dob")
        logger.info("match: %d department records from %d tables against %d ledger rows",
                    n_src, len(tables), n_ledger)
        # method weights from data/config/matching.yaml, bound as $score_<method>
        scores = {f"score_{k}": v for k, v in config.matching.scores.model_dump().items()}
        for step, table in (("id_exact", "_match_dec_id"),
                            ("id_repaired", "_match_dec_repaired"),
                            ("name_dob", "_match_dec_name_dob")):
            rows = materialise(con, "matching/" + step, table, scores)
            logger.info("match: step %s -> %d decision rows", step, rows)
        # a view: its three readers (links, review, counts) scan the step tables, instead
        # of a copy of every decision first (3.1 M rows with their evidence on 2 M people)
        try:
            con.execute("create or replace temp view _match_decisions as\n"
                        + read_sql("matching/decisions"))
        except duckdb.Error as exc:
            raise StepError(f"step matching/decisions -> _match_decisions failed: {exc}") from exc
        _publish(con)
        counts = _counts(con, [t.table for t in tables])
    finally:
        con.execute("drop view if exists _match_decisions")
        for table in _TEMP_TABLES:
            con.execute(f"drop table if exists {table}")
    logger.info("match: done in %.2f s", time.perf_counter() - started)
    return counts


def _publish(con: duckdb.DuckDBPyConnection) -> None:
    """Replace match_links and match_review together, or neither."""
    con.begin()
    try:
        n_links = materialise(con, "matching/links", "match_links", temp=False)
        n_review = materialise(con, "matching/review", "match_review", temp=False)
        con.commit()
    except (duckdb.Error, StepError):
        con.rollback()
        raise
    logger.info("match: wrote match_links (%d rows) and match_review (%d rows)",
                n_links, n_review)


def _counts(con: duckdb.DuckDBPyConnection, tables: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {
        t: {"records": 0, "links": dict.fromkeys(METHODS, 0),
            "review": dict.fromkeys(REVIEW_REASONS, 0), "unmatched": 0}
        for t in tables}
    for table, kind, key, n in query(con, "matching/counts"):
        entry = out[table]
        if kind == "link":
            entry["links"][key] = int(n)
        elif kind == "review":
            entry["review"][key] = int(n)
        else:
            entry[kind] = int(n)
    return out
