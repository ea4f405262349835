"""Every column, list and code of the contract has its Chinese label."""
from __future__ import annotations

import re
from pathlib import Path

from transforms import lists_schema
from transforms.export import labels

RULES = Path(__file__).resolve().parents[3].parent / "shared" / "RULES.md"


def test_every_output_column_has_a_chinese_header():
    every = {c for n in lists_schema.LISTS for c in lists_schema.columns(n)}
    every |= set(lists_schema.PROGRESS) | set(lists_schema.QUARANTINE)
    assert every <= labels.COLUMN.keys()
    assert all(re.search(r"[\u4e00-\u9fff]", labels.COLUMN[c]) for c in every)


def test_sheet_names_are_valid_and_distinct():
    titles = [labels.LIST_TITLE[n] for n in lists_schema.LISTS] + [labels.SUMMARY_SHEET]
    assert len(set(titles)) == len(titles)
    for title in titles:
        assert len(title) <= 31 and not set(title) & set("[]:*?/\\")
    assert set(labels.LIST_HELP) == set(lists_schema.LISTS)


def test_every_reason_code_of_the_rules_is_rendered_in_chinese():
    codes = {"deceased", "funeral_grant_owed", "lapsed", "unpaid_this_year", "seal",
             "refund_overlap", "terminate_dual_pension", "candidate", "not_enrolled",
             "not_paid_by_county", "county_paid_not_eligible", "ledger_category_unsupported",
             "invalid_tier", "tier_100_not_eligible", "amount_mismatch",
             "provincial_subsidy_mismatch", "county_subsidy_mismatch", "unenrolled",
             "fuzzy_match", "id_name_mismatch", "alive_signal_after_death", "id_repaired"}
    if RULES.is_file():  # every backticked snake_case code named in RULES.md as a reason
        text = RULES.read_text(encoding="utf-8")
        for code in codes:
            assert f"`{code}`" in text, code
    assert codes <= labels.REASON.keys()
    assert labels.code("deceased", labels.REASON) == "已死亡未销户"
    assert labels.code("new_code", labels.REASON) == "new_code"
    assert labels.sources("civil_affairs|health") == "民政、卫生健康"
    assert set(labels.METHOD) == {"id", "id15", "id_repaired", "name_dob", "manual"}
