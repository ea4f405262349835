"""RULES §3 funeral_grants: a participant with a death record and no sign of life who was
drawing a pension when they died, with no grant paid (sql/lists/list_funeral_grants.sql).

Skipped without its sources: no ledger -> nothing to check; no ``funeral_grants`` -> the
list is not built (everyone would look unpaid) and stays empty. Without
``benefit_payments`` "drawing when died" rests on 待遇状态 alone (recorded by
deceased_accounts as ``deceased_accounts.overpayment``).
"""
from __future__ import annotations

import duckdb

from transforms.rules import RuleContext, make_list, skip, table_present


def build(con: duckdb.DuckDBPyConnection, ctx: RuleContext) -> dict[str, int]:
    ledger_present = table_present(con, "participants")
    grants_present = table_present(con, "funeral_grants")
    if not ledger_present:
        skip(con, "funeral_grants", "未收到pension/participants（台账），无法核查丧葬补助金")
    elif not grants_present:
        skip(con, "funeral_grants",
             "未收到pension/funeral_grants，无法判断丧葬补助金是否已发放，本次不出名单")
    return make_list(con, "funeral_grants", {**ctx.params, "grants_present": grants_present})
