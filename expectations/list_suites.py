"""The GX suites of the output lists, generated from their contract files.

ONE definition of each expectation: the ``tests:`` of a column (and the ``case_key``) in
``transforms/sql/lists/list_<name>.yml`` / ``progress.yml``. ``python -m
expectations.build_suites`` writes ``expectations/suites/list_<name>.json`` and
``progress.json`` from them; the run loads the committed JSON (``list_contracts``), and
a test keeps the two in step (as for the source-table suites).

Test vocabulary of a contract column (each one GX expectation):

- ``not_null`` -> expect_column_values_to_not_be_null
- ``{accepted_values: [...]}`` -> expect_column_values_to_be_in_set (NULLs pass)
- ``{min: a, max: b}`` (either) -> expect_column_values_to_be_between (NULLs pass)
- ``{regex: ...}`` -> expect_column_values_to_match_regex (NULLs pass)

and per table: expect_table_columns_to_match_ordered_list (every column, internal
ones last) and, for a list, expect_compound_columns_to_be_unique over ``case_key``.
"""
from __future__ import annotations

from transforms import lists_schema


def _expect(kind: str, **kwargs) -> dict:
    return {"type": kind, "kwargs": kwargs, "meta": {}}


def column_expectations(column: dict) -> list[dict]:
    out = []
    name = column["name"]
    for test in column.get("tests") or []:
        if test == "not_null":
            out.append(_expect("expect_column_values_to_not_be_null", column=name))
        elif isinstance(test, dict) and set(test) == {"accepted_values"}:
            out.append(_expect("expect_column_values_to_be_in_set", column=name,
                               value_set=list(test["accepted_values"])))
        elif isinstance(test, dict) and set(test) == {"regex"}:
            out.append(_expect("expect_column_values_to_match_regex", column=name,
                               regex=test["regex"]))
        elif isinstance(test, dict) and test and set(test) <= {"min", "max"}:
            out.append(_expect("expect_column_values_to_be_between", column=name,
                               min_value=test.get("min"), max_value=test.get("max")))
        else:
            raise lists_schema.ContractFileError(f"column {name}: unknown test {test!r}")
    return out


def suite_for_list(name: str) -> dict:
    """The suite of one output (a list of CONTRACT §3, or progress) as a JSON-ready dict."""
    contract = lists_schema.contract(name)
    expectations = [_expect("expect_table_columns_to_match_ordered_list",
                            column_list=list(lists_schema.column_types(name)))]
    if name in lists_schema.LISTS:
        expectations.append(_expect("expect_compound_columns_to_be_unique",
                                    column_list=list(lists_schema.case_key(name))))
    for column in contract["columns"]:
        expectations += column_expectations(column)
    return {"name": suite_name(name), "expectations": expectations,
            "meta": {"notes": f"Contract of {contract['table']}, generated from "
                              f"{lists_schema.contract_path(name).name} by "
                              "expectations/build_suites.py."}}


def suite_name(name: str) -> str:
    return "progress" if name == "progress" else f"list_{name}"
