"""RULES §7 the review queue: ``review_queue`` (columns of lists_schema 'review_queue').

One row per (source record, ledger candidate) a person must decide: every
``match_review`` row (``fuzzy_match``, ``id_name_mismatch``, ambiguous ``id_repaired``;
``id_number`` the candidate's ID, name/township/village the candidate's) and one row per
person and signal source for ``alive_signal_after_death`` (``alive_signals`` from the
deaths rules; source ``pension`` or ``medical_insurance``; no score).

The evidence line shows the source record as given (ID, name, birth date and, for a
death record, the death date) beside the ledger candidate. Keeping a case off the other
lists is done where the lists are built: they read only auto-accepted ``match_links``,
and the death lists drop anyone with a sign of life.
"""
from __future__ import annotations

import logging
import re

import duckdb

from transforms.config import Config
from transforms.ledger import create_ledger_view
from transforms.lists_schema import INTERNAL, rule_columns
from transforms.rules import RuleContext
from transforms.sqlfile import run_sql

log = logging.getLogger(__name__)
_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")
_EMPTY = ("select null::varchar as src_table, null::bigint as src_rid, null::varchar as id_raw, "
          "null::varchar as id_status, null::varchar as name, null::date as birth_date "
          "where false")


def source_records_sql(config: Config) -> str:
    """The department records a review row can point at: ID as given, name, birth date."""
    parts = []
    for name, table in config.sources.tables.items():
        types = {key: col.type for key, col in table.columns.items()}
        if table.kind != "department" or "id" not in types.values():
            continue
        if not _IDENT.match(name):
            raise ValueError(f"sources.yaml: bad table name {name!r}")
        name_col = next((k for k, t in types.items() if t == "name"), None)
        birth = "coalesce(birth_date, id_birth_date)" if types.get("birth_date") == "date" \
            else "id_birth_date"
        name_expr = f'"{name_col}"' if name_col else "null::varchar"
        parts.append(
            f"select '{name}' as src_table, _rid as src_rid, id_raw, id_status, "
            f"{name_expr} as name, {birth} as birth_date from stg_{name}")
    return "\nunion all\n".join(parts) if parts else _EMPTY


def build(con: duckdb.DuckDBPyConnection, ctx: RuleContext) -> None:
    create_ledger_view(con)
    sql = source_records_sql(ctx.config)
    log.debug("sql review_source_records\n%s", sql)
    con.execute(f"create or replace temp table review_source_records as\n{sql}")
    run_sql(con, "lists/review/review_queue", ctx.params, create="review_queue")
    got = tuple(r[0] for r in con.execute("select * from review_queue limit 0").description)
    want = rule_columns("review_queue") + INTERNAL["review_queue"]
    if got != want:
        raise RuntimeError(f"review_queue columns {got} != {want}")
    counts = dict(con.execute("select reason, count(*) from review_queue group by reason "
                              "order by reason").fetchall())
    log.info("review_queue: %s", counts)
