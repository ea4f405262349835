"""Write the data-contract suites of every source table from sources.yaml, and of every
output list from its contract file (expectations/list_suites.py).

Run once when a table's columns or enum values change, review the diff and
commit the JSON: ``python -m expectations.build_suites``. The run loads the
committed files, not this generator (a test checks they agree with config).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from expectations.contracts import SUITES_DIR
from expectations.list_suites import suite_for_list, suite_name
from transforms import lists_schema
from transforms.config import Config, Table, load_config
from transforms.normalise.id import STATUSES

USABLE_ID = ["valid", "converted_15"]
ID_PATTERN = r"^\d{17}[\dX]$"
EARLIEST_DATE = "1900-01-01"
# Dates and months of events that cannot lie after the run date (a death
# certificate dated next month is a typo, and a death date is never guessed).
# Only dates a rule reads are bounded: a row is never lost over a field no rule
# reads (a cremation the day after the as-of date of a death before it, a grant
# paid later, CONTRACT §1), and 参保日期 after the as-of date is read by the
# lapsed rule as "enrolled this year".
PAST_EVENTS = frozenset({"birth_date", "pay_date", "cancel_date", "death_date", "end_date",
                         "last_claim_date", "pay_month"})
# (later, earlier) pairs within a row (both read by a rule).
ORDERED_PAIRS = {
    "household_registry": [("cancel_date", "birth_date")],
    "death_certificates": [("death_date", "birth_date")],
    "assistance": [("end_month", "start_month")],
    "enterprise_pension": [("end_month", "start_month")],
}
# Plausible years: contributions since the rural pension of 1992, targets since
# the new scheme of 2009; up to next year (next year's payments start in autumn).
YEAR_MIN = {"contributions": 1992, "township_targets": 2009}
POSITIVE = frozenset({"target"})


def _param(name: str) -> dict:
    return {"$PARAMETER": name}


def _expect(kind: str, **kwargs) -> dict:
    return {"type": kind, "kwargs": kwargs, "meta": {}}


def suite_for(name: str, table: Table, config: Config) -> dict:
    """The suite of one table as a JSON-ready dict (GX ExpectationSuite fields)."""
    expectations = []
    for key, column in table.columns.items():
        kind = column.type
        if kind == "id":
            statuses = USABLE_ID if table.kind == "ledger" else list(STATUSES)
            expectations.append(_expect("expect_column_values_to_be_in_set",
                                        column="id_status", value_set=statuses))
            expectations.append(_expect(
                "expect_column_values_to_match_regex", column="id_number", regex=ID_PATTERN,
                row_condition={"type": "comparison", "column": {"name": "id_status"},
                               "operator": "IN", "parameter": USABLE_ID}))
        elif kind == "sex":
            expectations.append(_expect("expect_column_values_to_be_in_set", column=key,
                                        value_set=["男", "女"]))
        elif kind == "township":
            names = [t.name for t in config.county.townships]
            unknown = config.county.unknown_township
            if table.kind == "reference":  # a target must name a real township
                expectations.append(_expect("expect_column_values_to_be_in_set", column=key,
                                            value_set=names))
            else:
                expectations.append(_expect("expect_column_values_to_be_in_set", column=key,
                                            value_set=names + [unknown]))
        elif kind == "enum":
            expectations.append(_expect("expect_column_values_to_be_in_set", column=key,
                                        value_set=list(column.values)))
        elif kind in ("date", "month"):
            latest = None
            if key in PAST_EVENTS:
                latest = _param("as_of" if kind == "date" else "as_of_month")
            expectations.append(_expect("expect_column_values_to_be_between", column=key,
                                        min_value=_param("earliest_date"), max_value=latest))
        elif kind == "money":
            expectations.append(_expect("expect_column_values_to_be_between", column=key,
                                        min_value=0))
        elif kind == "year":
            expectations.append(_expect("expect_column_values_to_be_between", column=key,
                                        min_value=YEAR_MIN.get(name, 1900),
                                        max_value=_param("next_year")))
        elif kind == "int":
            expectations.append(_expect("expect_column_values_to_be_between", column=key,
                                        min_value=1 if key in POSITIVE else 0))
    for later, earlier in ORDERED_PAIRS.get(name, []):
        if later in table.columns and earlier in table.columns:
            expectations.append(_expect(
                "expect_column_pair_values_a_to_be_greater_than_b", column_A=later,
                column_B=earlier, or_equal=True, ignore_row_if="either_value_is_missing"))
    return {"name": name, "expectations": expectations,
            "meta": {"parameters": {"earliest_date": EARLIEST_DATE},
                     "notes": f"Data contract of stg_{name}, generated from sources.yaml by "
                              "expectations/build_suites.py."}}


def render(suite: dict) -> str:
    return json.dumps(suite, ensure_ascii=False, indent=2) + "\n"


def main(out: Path = SUITES_DIR) -> list[Path]:
    config = load_config()
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in config.sources.tables.items():
        path = out / f"{name}.json"
        path.write_text(render(suite_for(name, table, config)), encoding="utf-8")
        written.append(path)
    for name in lists_schema.OUTPUTS:
        path = out / f"{suite_name(name)}.json"
        path.write_text(render(suite_for_list(name)), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for p in main():
        sys.stdout.write(f"{p}\n")
