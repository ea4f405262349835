"""Missing sources (CONTRACT §1: "a source or table that is missing tonight is not an
error"): an empty inbox through `recon run`, and the hand-made county with only its
pension/ and public_security/ folders. As of 2025-06-30.
"""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tests.acceptance.conftest import (
    AS_OF,
    HEADERS,
    project,
    rows_of,
    run_recon,
    write_csv,
)
from tests.acceptance.county import (
    CONTRIBUTIONS,
    FUNERAL_GRANTS,
    PARTICIPANTS,
    PAYMENTS_NO_BASIC,
    PAYMENTS_WITH_BASIC,
    REGISTRY,
    P,
)
from transforms.lists_schema import LISTS, columns


def _id(key: str) -> str:
    return P[key]["id"]


@pytest.fixture(scope="module")
def empty_run(tmp_path_factory, prefect_harness):
    """`recon run` on an inbox folder with nothing in it."""
    from flows.cli import app

    base = tmp_path_factory.mktemp("acceptance_empty")
    (base / "inbox").mkdir()
    result = CliRunner().invoke(app, [
        "run", "--inbox", str(base / "inbox"), "--out", str(base / "out"),
        "--as-of", AS_OF.isoformat(), "--warehouse", str(base / "w.duckdb")])
    return result, base


def test_an_empty_inbox_exits_0_with_every_output(empty_run):
    from tests.acceptance.conftest import Outputs, read_csv

    result, base = empty_run
    assert result.exit_code == 0, result.output
    out = Outputs(base / "out", base / "w.duckdb", base / "inbox")
    for name in LISTS:
        assert out.header(f"lists/{name}.csv") == list(columns(name))
        assert out.list(name) == []
    manifest = out.manifest
    assert manifest["as_of"] == "2025-06-30" and manifest["inputs"] == []
    assert {"deceased_accounts", "funeral_grants", "lapsed_payers", "contribution_issues",
            "enterprise_scheme", "unenrolled_residents", "progress.target",
            "progress.participation", "progress.completed"} <= out.skipped()
    assert all(s["reason"] for s in manifest["skipped_checks"])
    # One row per configured township; what could not be counted is empty, not 0
    # (0 eligible with a gap of 0 would read as "target reached"); no 未知乡镇 row.
    progress = read_csv(base / "out" / "progress.csv")
    assert len(progress) == 18
    for row in progress:
        assert [row[c] for c in ("target", "completed", "completion_rate", "eligible",
                                 "insured", "participation_rate", "gap_to_target")] == [""] * 7
    assert out.quarantine == []
    assert (base / "out" / "report.html").is_file()
    assert len(list((base / "out" / "townships").glob("*.xlsx"))) == 18


def _write_partial_inbox(inbox):
    """The county's pension/ and public_security/ folders only, plus two ledger rows
    with fields the rules do not need left empty."""
    h = HEADERS
    write_csv(inbox / "pension" / "participants.csv", h["participants"],
              rows_of("participants", PARTICIPANTS))
    # L4 paid 2025 with neither 个人缴费 nor 政府代缴 written: a payment (not lapsed),
    # and an amount_mismatch (0 + 0 != 300).
    l4 = {"公民身份号码": _id("L4"), "姓名": "田四", "缴费年度": "2025", "缴费档次": "300",
          "个人缴费": "", "省级补贴": "30", "县级补贴": "10", "政府代缴": "",
          "缴费日期": "2025-04-01", "缴费渠道": "税务大厅"}
    # L10 already paid next year (2026, collected in autumn) but not 2025: a valid 2026
    # tier under the policy defaults, and still unpaid this year.
    l10 = {"公民身份号码": _id("L10"), "姓名": "田十", "缴费年度": "2026", "缴费档次": "300",
           "个人缴费": "300", "省级补贴": "30", "县级补贴": "10", "政府代缴": "0",
           "缴费日期": "2025-06-01", "缴费渠道": "微信"}
    write_csv(inbox / "pension" / "contributions.csv", h["contributions"],
              rows_of("contributions", [*CONTRIBUTIONS, l4, l10]))
    write_csv(inbox / "pension" / "benefit_payments.csv", h["benefit_payments"],
              rows_of("benefit_payments", PAYMENTS_WITH_BASIC + PAYMENTS_NO_BASIC))
    # D9's grant row has neither date nor amount, D1's was paid after the as-of date:
    # both grants were paid all the same (no rule reads the date or the amount).
    d9 = {"公民身份号码": _id("D9"), "姓名": "吴八", "发放日期": "", "发放金额": ""}
    d1 = {"公民身份号码": _id("D1"), "姓名": "王大山", "发放日期": "2025-07-03",
          "发放金额": "1000"}
    write_csv(inbox / "pension" / "funeral_grants.csv", h["funeral_grants"],
              rows_of("funeral_grants", [*FUNERAL_GRANTS, d9, d1]))
    write_csv(inbox / "public_security" / "household_registry.csv", h["household_registry"],
              rows_of("household_registry", REGISTRY))


@pytest.fixture(scope="module")
def partial_run(tmp_path_factory, prefect_harness):
    base = tmp_path_factory.mktemp("acceptance_partial")
    _write_partial_inbox(base / "inbox")
    return run_recon(base / "inbox", base / "out", base / "w.duckdb")


def test_partial_inbox_skips_and_says_why(partial_run):
    skipped = partial_run.skipped()
    assert {"deaths.cremations", "deaths.death_certificates", "deaths.enrollment",
            "signs_of_life.claims", "enterprise_scheme", "lapsed_payers.enterprise",
            "lapsed_payers.special_groups", "unenrolled_residents.enterprise",
            "contribution_issues.tier_100_not_eligible", "special_groups.not_enrolled",
            "special_groups.not_paid_by_county", "special_groups.county_paid_not_eligible",
            "special_groups.ledger_category_unsupported", "progress.target"} <= skipped
    # what the two folders can decide is not skipped
    assert not {"deceased_accounts", "funeral_grants", "lapsed_payers", "contribution_issues",
                "unenrolled_residents", "progress.participation", "progress.completed"} & skipped
    assert partial_run.quarantine == []
    assert partial_run.list("enterprise_scheme") == []
    assert partial_run.list("special_groups") == []
    assert partial_run.list("review_queue") == []  # the review cases came from other sources


def test_partial_inbox_death_lists_from_the_registry_alone(partial_run):
    deceased = project(partial_run.list("deceased_accounts"),
                       ("id_number", "death_date", "death_sources", "match_method",
                        "months_overpaid", "overpaid_amount"))
    assert set(deceased) == {
        (_id("D1"), "2025-02-10", "public_security", "id", "3", "900.00"),
        (_id("D4"), "2025-01-15", "public_security", "id", "0", "0.00"),
        (_id("D6"), "2014-06-30", "public_security", "id", "2", "400.00"),
        (_id("D9"), "2025-03-03", "public_security", "id15", "0", "0.00"),
    }
    # D9 (a grant row without date or amount) and D1 (a grant dated after the as-of date)
    # are paid; D7 (closed, paid 2014-06) is owed.
    assert {r["id_number"] for r in partial_run.list("funeral_grants")} == {_id("D7")}


def test_partial_inbox_lapsed_list_may_be_longer(partial_run):
    got = set(project(partial_run.list("lapsed_payers"),
                      ("id_number", "reason", "last_paid_year", "years_missed")))
    assert got == {
        (_id("L1"), "lapsed", "2022", "3"),
        (_id("L2"), "lapsed", "", "2"),
        (_id("L3"), "unpaid_this_year", "", "1"),
        (_id("L6"), "unpaid_this_year", "", "1"),
        (_id("L9"), "unpaid_this_year", "", "1"),
        (_id("L10"), "unpaid_this_year", "2024", "1"),
        # without hr/: L8's enterprise contributions are unknown; last paid 2023 -> 2 years
        (_id("L8"), "lapsed", "2023", "2"),
        # without the group lists: S4 (重度残疾, county pays) is not known as such
        (_id("S4"), "unpaid_this_year", "2024", "1"),
    }
    # L4 is off: a 2025 row with empty amounts is still a contribution.


def test_partial_inbox_contribution_issues(partial_run):
    got = set(project(partial_run.list("contribution_issues"),
                      ("id_number", "year", "issue", "expected", "recorded")))
    assert got == {
        (_id("C1"), "2024", "invalid_tier", "", "350.00"),
        (_id("C1"), "2025", "provincial_subsidy_mismatch", "30.00", "60.00"),
        (_id("C2"), "2025", "amount_mismatch", "500.00", "450.00"),
        (_id("C3"), "2025", "county_subsidy_mismatch", "20.00", "15.00"),
        (_id("C3"), "2024", "provincial_subsidy_mismatch", "60.00", "30.00"),
        (_id("C4"), "2024", "county_subsidy_mismatch", "30.00", "25.00"),
        (_id("L4"), "2025", "amount_mismatch", "300.00", "0.00"),  # empty + empty != 300
    }
    # Not here: L10's 2026 row (300 with 30/10 is right under 2026's policy defaults).


def test_partial_inbox_coverage(partial_run):
    got = {r["id_number"]: r["age"] for r in partial_run.list("unenrolled_residents")}
    assert got == {
        _id("S1"): "30", _id("R1"): "30", _id("R2"): "19", _id("R3"): "22", _id("R4"): "23",
        _id("R9"): "39", _id("V1"): "40", _id("U1"): "35",
        # without hr/ (enterprise 参保缴费 / drawing unknown) and without the death
        # certificates (S6, R12 dead in health/ only): longer, as skipped_checks says
        _id("S7"): "39", _id("R10"): "54", _id("R11"): "58", _id("S6"): "55", _id("R12"): "34",
    }
    progress = {r["township"]: r for r in partial_run.progress}
    # 北湾镇: R1 R2 R3 R4 R6 R7 R8 R9 R10 R11 R12 = 11 eligible; insured R7, R8 = 2;
    # 2/11 = 0.1818; gap = ceil(0.98 x 11 = 10.78) - 2 = 11 - 2 = 9. No target tonight.
    assert [progress["北湾镇"][c] for c in ("target", "completed", "completion_rate", "eligible",
                                          "insured", "participation_rate", "gap_to_target")] \
        == ["", "2", "", "11", "2", "0.1818", "9"]


def test_rerun_gives_identical_lists(partial_run, tmp_path):
    again = run_recon(partial_run.inbox, tmp_path / "out", partial_run.warehouse)
    for name in ("lists/" + n + ".csv" for n in LISTS):
        assert (again.out / name).read_bytes() == (partial_run.out / name).read_bytes(), name
    for name in ("progress.csv", "quarantine.csv"):
        assert (again.out / name).read_bytes() == (partial_run.out / name).read_bytes(), name
    for book in sorted((partial_run.out / "townships").glob("*.xlsx")):
        assert (again.out / "townships" / book.name).read_bytes() == book.read_bytes(), book.name


@pytest.fixture(scope="module")
def without_optional_run(tmp_path_factory, prefect_harness):
    """The whole county but rural_revitalization/ (an optional source) and reference/."""
    import shutil

    from tests.acceptance.county import write_inbox

    base = tmp_path_factory.mktemp("acceptance_no_poverty")
    write_inbox(base / "inbox")
    shutil.rmtree(base / "inbox" / "rural_revitalization")
    shutil.rmtree(base / "inbox" / "reference")
    return run_recon(base / "inbox", base / "out", base / "w.duckdb")


def test_without_poverty_monitoring_and_targets(without_optional_run, county_run):
    run = without_optional_run
    skipped = run.skipped()
    assert {"contribution_issues.tier_100_not_eligible", "special_groups.county_paid_not_eligible",
            "special_groups.ledger_category_unsupported", "lapsed_payers.special_groups",
            "progress.target"} <= skipped
    assert "contribution_issues" not in skipped and "special_groups.not_enrolled" not in skipped
    # Lists that do not read either source are exactly the full county's.
    for name in ("deceased_accounts", "funeral_grants", "lapsed_payers", "enterprise_scheme",
                 "unenrolled_residents", "review_queue"):
        assert run.list(name) == county_run.list(name), name
    # contribution_issues: the full county's without the tier_100_not_eligible rows
    # (C5, C9, S2), which need the poverty list to tell a 脱贫人口 apart.
    # (case numbers are per warehouse: these two runs number different sets of cases)
    def no_case_id(rows):
        return [{k: v for k, v in r.items() if k != "case_id"} for r in rows]

    full = no_case_id(r for r in county_run.list("contribution_issues")
                      if r["reason"] != "tier_100_not_eligible")
    assert no_case_id(run.list("contribution_issues")) == full and len(full) == 6
    # special_groups: the two reasons that need every group list are skipped; S1, S3, S4
    # come from civil_affairs and health alone.
    assert set(project(run.list("special_groups"), ("id_number", "reason"))) == {
        (_id("S1"), "not_enrolled"), (_id("S3"), "not_paid_by_county"),
        (_id("S4"), "not_paid_by_county")}
    progress = {r["township"]: r for r in run.progress}
    assert progress["北湾镇"]["target"] == "" and progress["北湾镇"]["completion_rate"] == ""
    assert progress["北湾镇"]["eligible"] == "10"
