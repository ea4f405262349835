"""RULES §5 the enterprise scheme (人社部发〔2014〕17号): ``list_enterprise_scheme``.

Enterprise rows reach the ledger only through ``match_links`` (src_table
``enterprise_pension``); a row still under review feeds no action (RULES §7), but it
does keep its ledger candidate off ``candidate`` ("no enterprise row at all").

Reads ``enterprise_periods`` and ``overlap_years`` (the intermediate layer, kept for the
report and for checking by hand); writes ``list_enterprise_scheme``.

Decisions the rules leave open:

- ``refund_amount``: per person and year, 个人缴费 of the year (all its contribution rows)
  x overlapping months / 12, rounded to the fen half-up (ROUND_HALF_UP) in integer fen;
  the per-year amounts are then summed. Overlapping enterprise periods count a month once.
- ``enterprise_identity`` is the 参保身份 of the latest-starting period; ``candidate`` rows
  have no enterprise columns. Only ``refund_overlap`` rows carry overlap_months and
  refund_amount, only ``terminate_dual_pension`` rows carry recover_amount.
- ``recover_amount`` counts a payment's 其中基础养老金, or the policy's basic pension of the
  payment's year when that value is missing. No ``benefit_payments`` tonight: NULL
  (cannot be computed) and the evidence says so.
- A person with a death record is never a ``candidate``.
- Missing sources: no ``enterprise_pension`` -> no action can be decided (``candidate``
  needs to know there is no enterprise row): the list is empty and the skip recorded.
  No ``enrollment`` -> ``candidate`` skipped. No ``contributions`` -> ``refund_overlap``
  skipped (nothing overlaps).
"""
from __future__ import annotations

import duckdb

from transforms.rules import RuleContext, make_list, skip, table_present


def build(con: duckdb.DuckDBPyConnection, ctx: RuleContext) -> dict[str, int]:
    enterprise_present = table_present(con, "enterprise_pension")
    enrollment_present = table_present(con, "enrollment")
    payments_present = table_present(con, "benefit_payments")
    if not enterprise_present:
        skip(con, "enterprise_scheme",
             "未收到hr/enterprise_pension，无法核查城乡居保与企业职工养老保险重复参保"
             "（封存、重叠退费、重复领取、应参加职工养老保险人员）")
    else:
        if not table_present(con, "participants"):
            skip(con, "enterprise_scheme",
                 "未收到pension/participants（台账），无法核查重复参保")
        if not enrollment_present:
            skip(con, "enterprise_scheme.candidate",
                 "未收到medical_insurance/enrollment，无法找出有职工医保而未参加企业职工"
                 "养老保险的人员")
        if not table_present(con, "contributions"):
            skip(con, "enterprise_scheme.refund_overlap",
                 "未收到pension/contributions，无法计算重叠缴费月数和退费金额")
        if not payments_present:
            skip(con, "enterprise_scheme.recover_amount",
                 "未收到pension/benefit_payments，无法计算应追回的基础养老金")

    params = {**ctx.params, "payments_present": payments_present,
              "candidate_enabled": enterprise_present and enrollment_present}
    return make_list(con, "enterprise_scheme", params)
