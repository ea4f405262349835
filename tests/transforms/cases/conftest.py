"""Fixtures for the case and decision tests: the rule tests' in-memory warehouse
(tests/transforms/rules/conftest.py) plus one night of matching decisions, rules and
cases, and a decision recorded as an import would record it."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.transforms.rules.conftest import (  # noqa: F401  (fixtures)
    add_link,
    con,
    config,
    fetch,
    fetch_rows,
    insert,
    make_id,
)
from transforms.cases import apply_match_decisions, update_cases
from transforms.lists_schema import LISTS
from transforms.rules import build_lists


def _table(name):
    return "review_queue" if name == "review_queue" else f"list_{name}"


@pytest.fixture
def night(con, config):  # noqa: F811
    """Run one night on ``con``: the matcher's tables as given (``links``: (src_table,
    src_rid, ledger_id) tuples; ``review``: match_review dicts), then the review
    decisions, the rules and the cases. Returns {list: rows as dicts}."""
    def _night(day: str, links=(), review=()):
        as_of = dt.date.fromisoformat(day)
        con.execute("delete from match_links")
        con.execute("delete from match_review")
        for src_table, src_rid, ledger_id in links:
            add_link(con, src_table, src_rid, ledger_id)
        for row in review:
            keys = list(row)
            con.execute(f"insert into match_review ({', '.join(keys)}) values "
                        f"({', '.join('$' + k for k in keys)})", row)
        apply_match_decisions(con, config, as_of)
        build_lists(con, config, as_of)
        update_cases(con, config, as_of)
        return {name: fetch_rows(con, _table(name), order_by="case_id") for name in LISTS}
    return _night


@pytest.fixture
def decide(con):  # noqa: F811
    """Record a township's answer on a case, dated by the workbook's as-of date."""
    def _decide(case_id: str, answer: str, day: str, township: str = "平堡镇"):
        list_name = con.execute("select list from cases where case_id = $c",
                                {"c": case_id}).fetchone()[0]
        con.execute("""insert into case_decisions
            select coalesce(max(decision_id), 0) + 1, $c, $l, $a, null, $t, 'x.xlsx', 'sha',
                   's', 2, $d, timestamp '2026-01-01 00:00:00', 'tester'
            from case_decisions""",
                    {"c": case_id, "l": list_name, "a": answer, "t": township,
                     "d": dt.date.fromisoformat(day)})
    return _decide
