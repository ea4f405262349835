"""RULES §7 the review queue: ``review_queue`` (sql/lists/list_review_queue.sql).

One row per (source record, ledger candidate) a person must decide: every
``match_review`` row (``fuzzy_match``, ``id_name_mismatch``, ambiguous ``id_repaired``;
``id_number`` the candidate's ID, name/township/village the candidate's) and one row per
person and signal source for ``alive_signal_after_death`` (``alive_signals`` of the
intermediate layer; source ``pension`` or ``medical_insurance``; no score). The internal
columns ``src_table``/``src_rid`` name the source record (NULL for a sign of life).

The evidence line shows the source record as given (ID, name, birth date and, for a
death record, the death date) beside the ledger candidate; the records are read through
the temp table ``review_source_records`` (``sqlbuild.review_source_records_sql``).
Keeping a case off the other lists is done where the lists are built: they read only
auto-accepted ``match_links``, and the death lists drop anyone with a sign of life.
"""
from __future__ import annotations

import duckdb

from transforms.rules import RuleContext, make_list
from transforms.sqlbuild import create_as_sql, review_source_records_sql


def build(con: duckdb.DuckDBPyConnection, ctx: RuleContext) -> dict[str, int]:
    con.execute(create_as_sql("review_source_records",
                              review_source_records_sql(ctx.config), temp=True))
    return make_list(con, "review_queue", ctx.params)
