"""The output lists' contracts: the yml files, the GX suites generated from them, and the
run-time check that stops a run whose lists break them (a bug in the rules)."""
from __future__ import annotations

import duckdb
import pytest

from expectations import list_suites
from expectations.build_suites import render
from expectations.contracts import suite_json
from expectations.list_contracts import ListChecks, ListContractError, validate
from tests.support import create_output_tables, valid_id
from transforms import lists_schema


def test_committed_list_suites_match_the_contract_files():
    """Regenerate with `python -m expectations.build_suites` when this fails."""
    for name in lists_schema.OUTPUTS:
        suite = list_suites.suite_name(name)
        assert suite_json(suite) == render(list_suites.suite_for_list(name)), \
            f"{suite}.json is out of date with {lists_schema.contract_path(name).name}"


def test_every_list_has_a_contract_with_a_case_key_it_can_compute():
    for name in lists_schema.LISTS:
        key = lists_schema.case_key(name)
        assert key[:2] == ("id_number", "reason"), name  # RULES §8: the ID and the reason
        assert set(key) <= set(lists_schema.column_types(name)), name
        assert set(lists_schema.internal_columns(name)) <= set(key), name  # only for the key
        path = lists_schema.contract_path(name)
        assert path.with_suffix(".sql").is_file(), f"{path.name} has no SQL beside it"
    assert lists_schema.case_key("special_groups")[2:] == ("year",)
    assert lists_schema.case_key("enterprise_scheme")[2:] == ("action",)
    with pytest.raises(KeyError):
        lists_schema.case_key("progress")


@pytest.fixture
def con():
    c = duckdb.connect()
    create_output_tables(c)
    yield c
    c.close()


def _lapsed(con, **row):
    values = {"id_number": valid_id("19700101", 1), "name": "李玉兰", "township": "乌兰镇",
              "village": None, "reason": "lapsed", "evidence": "2023年起未缴费", "age": 56,
              "last_paid_year": 2022, "years_missed": 4, **row}
    con.execute("insert into list_lapsed_payers by name select " + ", ".join(
        f"${k} as {k}" for k in values), values)


def test_lists_that_keep_their_contracts_pass(con):
    _lapsed(con)
    validate(con)


def test_a_broken_row_stops_the_run_naming_list_column_and_expectation(con):
    _lapsed(con, reason="lapsd", years_missed=0)
    with pytest.raises(ListContractError) as err:
        validate(con)
    message = str(err.value)
    assert "list lapsed_payers: column reason: expect_column_values_to_be_in_set" in message
    assert "list lapsed_payers: column years_missed: expect_column_values_to_be_between" \
        in message
    assert "'lapsd'" in message


def test_two_rows_of_one_case_break_the_case_key(con):
    _lapsed(con)
    _lapsed(con, evidence="另一行")
    with pytest.raises(ListContractError, match="column id_number,reason: "
                                                "expect_compound_columns_to_be_unique"):
        validate(con)


def test_a_column_of_the_wrong_type_is_named(con):
    con.execute("alter table list_funeral_grants alter grant_amount type double")
    with pytest.raises(ListContractError, match="list funeral_grants: column grant_amount: "
                                                "type DOUBLE, contract says DECIMAL"):
        validate(con)


def test_the_checks_beside_the_rules_say_what_validate_says(con):
    """build_lists runs the suites on a thread as the lists are made (ListChecks): the
    same failures, all lists, in the same order; a list made after its check is not
    seen (the rows are read when checked)."""
    _lapsed(con, reason="lapsd", years_missed=0)
    with pytest.raises(ListContractError) as by_validate:
        validate(con)
    checks = ListChecks()
    checks.check(con, "lapsed_payers")
    con.execute("delete from list_lapsed_payers")
    with pytest.raises(ListContractError) as by_checks:
        checks.finish(con)
    assert str(by_checks.value) == str(by_validate.value)
    checks = ListChecks()
    checks.check(con, "lapsed_payers")
    checks.finish(con)  # nothing broken: nothing raised
