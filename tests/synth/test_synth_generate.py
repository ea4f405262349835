"""The generated county end to end, at 3000 people (about a second)."""
import datetime as dt
import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from python_calamine import CalamineError, CalamineWorkbook

from synth import generate
from synth.cases_deaths import KINDS as DEATH_KINDS
from transforms.config import load_config

AS_OF = dt.date(2025, 6, 30)
PEOPLE, SEED = 3000, 11
LIST_REASONS = {
    "deceased_accounts": {"deceased"}, "funeral_grants": {"funeral_grant_owed"},
    "lapsed_payers": {"lapsed", "unpaid_this_year"},
    "enterprise_scheme": {"seal", "refund_overlap", "terminate_dual_pension", "candidate"},
    "special_groups": {"not_enrolled", "not_paid_by_county", "county_paid_not_eligible",
                       "ledger_category_unsupported"},
    "contribution_issues": {"invalid_tier", "tier_100_not_eligible", "amount_mismatch",
                            "provincial_subsidy_mismatch", "county_subsidy_mismatch"},
    "unenrolled_residents": {"unenrolled"},
    "review_queue": {"fuzzy_match", "id_name_mismatch", "alive_signal_after_death", "id_repaired"},
}
ANOMALIES = set(DEATH_KINDS) | {
    "death_settled", "id15", "id_typo", "id_swap", "id_excel_number", "id_excel_zeroed",
    "id_missing", "id_sci_short", "id_name_mismatch", "same_name_dob_pair", "fuzzy_close_name",
    "name_traditional", "name_homophone", "name_placeholder", "name_separator", "name_spaces",
    "unpaid_this_year", "lapsed", "never_paid", "never_paid_new", "lapsed_bad_tier",
    "unenrolled", "unenrolled_student", "unenrolled_legacy_township", "unenrolled_closed",
    "ent_seal", "ent_seal_overlap", "ent_refund_overlap", "ent_terminate_dual", "ent_candidate",
    "sg_not_enrolled", "sg_not_enrolled_closed", "sg_not_paid_by_county", "sg_county_paid_ended",
    "sg_ended_clean", "sg_stale_category", "tuopin_county_paid",
    "ci_invalid_tier", "ci_tier100", "ci_amount", "ci_provincial", "ci_county",
    "duplicate_rows", "bad_row_bad_date", "bad_row_bad_fields", "bad_row_invalid_id",
    "file_corrupt_file", "file_unknown_kind", "file_unknown_table", "header_aliases",
    "title_rows", "legacy_township"}


def _digest(folder: Path) -> dict:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    base = tmp_path_factory.mktemp("synth")
    counts = generate(PEOPLE, SEED, AS_OF, base / "inbox", base / "inbox.truth", load_config())
    return base / "inbox", base / "inbox.truth", counts


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_same_seed_same_bytes(county, tmp_path):
    inbox, truth, _ = county
    generate(PEOPLE, SEED, AS_OF, tmp_path / "inbox", tmp_path / "truth", load_config())
    assert _digest(tmp_path / "inbox") == _digest(inbox)
    assert _digest(tmp_path / "truth") == _digest(truth)


def test_other_seed_other_people(county, tmp_path):
    inbox, _, _ = county
    generate(300, SEED + 1, AS_OF, tmp_path / "inbox", tmp_path / "truth", load_config())
    a = _csv(tmp_path / "inbox/reference/township_targets_2025.csv")
    b = _csv(inbox / "reference/township_targets_2025.csv")
    assert not a.equals(b)


def test_every_table_and_format_is_in_the_inbox(county):
    inbox, truth, counts = county
    files = [p.relative_to(inbox).as_posix() for p in inbox.rglob("*") if p.is_file()]
    for table, cfg in load_config().sources.tables.items():
        assert any(f.startswith(f"{cfg.source}/{table}") for f in files), table
    suffixes = {Path(f).suffix for f in files}
    assert {".csv", ".xlsx", ".xls", ".parquet", ".txt"} <= suffixes
    encodings = set(json.loads((truth / "truth.json").read_text())["encodings"].values())
    assert {"utf-8", "utf-8-sig", "gb18030"} <= encodings and encodings & {"gbk"}
    assert (inbox / "pension/participants_20250630.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert sum(f.startswith("pension/contributions_") for f in files) >= 5
    assert all(f in counts["files"] for f in files)


def test_xlsx_has_title_rows_and_excel_damaged_ids(county):
    inbox, _, _ = county
    rows = CalamineWorkbook.from_path(inbox / "civil_affairs/cremations_2025.xlsx") \
        .get_sheet_by_index(0).to_python()
    assert rows[3][0] == "逝者身份证号"  # three title rows above the header
    numbers = [r[0] for r in rows[4:] if isinstance(r[0], float)]
    assert numbers and all(f"{n:.14E}".endswith("E+17") for n in numbers)


def test_every_anomaly_kind_is_recorded(county):
    _, truth, _ = county
    kinds = set(_csv(truth / "cases.csv")["case"])
    assert ANOMALIES <= kinds, ANOMALIES - kinds


def test_every_list_and_reason_is_expected(county):
    _, truth, _ = county
    lists = _csv(truth / "lists.csv")
    assert list(lists.columns) == ["list", "id_number", "reason", "key"]
    for name, reasons in LIST_REASONS.items():
        assert set(lists.loc[lists["list"] == name, "reason"]) == reasons, name


def test_lists_are_exactly_what_the_cases_expect(county):
    """Nobody is on a list without an injected case that says so, and every case
    lands where it says: the oracle and the hand-written expectations agree."""
    _, truth, counts = county
    assert counts["check"] == {"oracle_only": 0, "cases_only": 0}
    cases = _csv(truth / "cases.csv")
    expected = sorted((lst, row.id_number, reason, key) for row in cases.itertuples()
                      for e in filter(None, row.expect.split(";"))
                      for lst, reason, key in [e.split(":")])
    got = sorted(_csv(truth / "lists.csv").itertuples(index=False, name=None))
    assert sorted(set(got)) == sorted(set(expected))


def test_truth_refers_to_people_of_the_county(county):
    inbox, truth, _ = county
    reg = pd.concat([pd.read_parquet(inbox / "public_security/household_registry_20250630.parquet"),
                     pd.read_csv(inbox / "public_security/household_registry_城关派出所.csv",
                                 dtype=str, encoding="gb18030", on_bad_lines="skip").rename(columns={"身份证号码": "公民身份号码"})])
    people = set(reg["公民身份号码"].str.strip())
    ledger = set(_csv(inbox / "pension/participants_20250630.csv")["公民身份号码"])
    lists = _csv(truth / "lists.csv")
    assert set(lists["id_number"]) <= ledger | people
    ledger_lists = lists[~lists["list"].isin(["unenrolled_residents"])
                         & ~lists["reason"].eq("not_enrolled")]
    assert set(ledger_lists["id_number"]) <= ledger
    links = _csv(truth / "links.csv")
    assert set(links["expected_method"]) == {"id", "id15", "id_repaired", "name_dob", "review", "none"}
    assert set(links["ledger_id"]) - {""} <= ledger
    # a record left unmatched is about someone outside the ledger; a matched one
    # names its person's own ledger ID
    assert (links.loc[links["expected_method"] == "none", "ledger_id"] == "").all()
    matched = links[links["expected_method"].isin(["id", "id15", "id_repaired", "name_dob"])]
    assert (matched["ledger_id"] == matched["person_id"]).all()


def test_quarantined_rows_are_really_bad(county):
    inbox, truth, _ = county
    q = _csv(truth / "quarantine.csv")
    encodings = json.loads((truth / "truth.json").read_text())["encodings"]
    assert set(q["reason"]) >= {"bad_date", "field_count_mismatch", "invalid_id", "corrupt_file"}
    for f, row, reason in q.itertuples(index=False):
        if reason == "field_count_mismatch":
            lines = (inbox / f).read_bytes().decode(encodings[f]).splitlines()
            assert lines[int(row)].count(",") == lines[0].count(",") + 1
        if reason == "bad_date":
            line = (inbox / f).read_bytes().decode(encodings[f]).splitlines()[int(row)]
            assert "-02-30" in line
    with pytest.raises(CalamineError):
        CalamineWorkbook.from_path(inbox / "pension/funeral_grants_补发.xlsx") \
            .get_sheet_by_index(0).to_python()


def test_truth_may_not_sit_inside_the_inbox(tmp_path):
    with pytest.raises(ValueError):
        generate(50, 1, AS_OF, tmp_path / "inbox", tmp_path / "inbox" / "truth", load_config())


def test_a_second_run_replaces_the_first(tmp_path):
    cfg = load_config()
    generate(200, 1, AS_OF, tmp_path / "inbox", tmp_path / "truth", cfg)
    generate(200, 1, dt.date(2025, 7, 31), tmp_path / "inbox", tmp_path / "truth", cfg)
    participants = sorted(p.name for p in (tmp_path / "inbox/pension").glob("participants_*"))
    assert participants == ["participants_20250731.csv"]
