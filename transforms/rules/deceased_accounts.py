"""RULES §3 deceased_accounts: a ledger participant matched to a death record, no sign of
life, account still open (sql/lists/list_deceased_accounts.sql over dead_participants).

Skipped without its sources: no ledger -> nothing to check; no ``benefit_payments`` ->
months_overpaid, overpaid_amount and last_paid_month are NULL (cannot be computed) and
the evidence says so.
"""
from __future__ import annotations

import duckdb

from transforms.rules import RuleContext, make_list, skip, table_present


def build(con: duckdb.DuckDBPyConnection, ctx: RuleContext) -> dict[str, int]:
    if not table_present(con, "participants"):
        skip(con, "deceased_accounts", "未收到pension/participants（台账），无法核查死亡人员账户")
    payments_present = table_present(con, "benefit_payments")
    if not payments_present:
        skip(con, "deceased_accounts.overpayment",
             "未收到pension/benefit_payments，无法计算死亡后多发月数和金额；"
             "丧葬补助金仅按待遇状态判断是否在领")
    return make_list(con, "deceased_accounts",
                     {**ctx.params, "payments_present": payments_present})
