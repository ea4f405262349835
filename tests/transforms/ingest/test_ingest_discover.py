"""Which table a file feeds, its extract date, staleness, and files that feed none."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.transforms.ingest.conftest import AS_OF, headers, make_id, participant, write_csv
from transforms.ingest.discover import classify, extract_period, match_table


@pytest.mark.parametrize("stem, expect", [
    ("participants", ("participants", "")),
    ("participants_20261120", ("participants", "20261120")),
    ("benefit_payments_202611", ("benefit_payments", "202611")),
    ("household_registry_东片区", ("household_registry", "东片区")),
    ("Participants_2026", ("participants", "2026")),
    ("participant", None), ("payments", None),
])
def test_match_table(config, stem, expect):
    assert match_table(stem, list(config.sources.tables)) == expect


@pytest.mark.parametrize("suffix, expect", [
    ("20261120", (dt.date(2026, 11, 20), dt.date(2026, 11, 20))),
    ("202602", (dt.date(2026, 2, 1), dt.date(2026, 2, 28))),
    ("2025", (dt.date(2025, 1, 1), dt.date(2025, 12, 31))),
    ("20261340", None), ("12345", None), ("v2", None),
])
def test_extract_period(suffix, expect):
    assert extract_period(suffix) == expect


@pytest.mark.parametrize("name, stale, kind, age", [
    ("participants_20261014.csv", False, "day", 45),   # 45 days before 2026-11-28: not yet
    ("participants_20261013.csv", True, "day", 46),    # 46 days
    ("participants_202610.csv", False, "month", 28),   # the month ends 2026-10-31
    ("participants_202609.csv", True, "month", 59),    # ends 2026-09-30
    ("contributions_2022.csv", False, "year", 1428),   # a year's file is history, never stale
    ("participants_2026.csv", False, "year", -33),     # the year ends after the as-of date
    ("participants.csv", False, None, None),           # no date: never stale, no age
    ("participants_城关.csv", False, None, None),
])
def test_staleness_from_the_end_of_the_extract_period(config, tmp_path, name, stale, kind, age):
    found = classify(tmp_path / "pension" / name, tmp_path, config, AS_OF)
    assert (found.stale, found.extract_kind, found.age_days) == (stale, kind, age)


@pytest.mark.parametrize("rel, reason, table", [
    ("pension/participants.txt", "unsupported_format", "participants"),
    ("pension/readme.md", "unsupported_format", "readme"),
    ("pension/members.csv", "unknown_table", "members"),
    ("pension/cremations.csv", "wrong_source", "cremations"),
    ("tax/participants.csv", "unknown_source", "participants"),
    ("participants.csv", "unknown_source", "participants"),
    ("pension/old/participants.csv", "unknown_source", "participants"),
    ("pension/participants_20261120.xlsx", None, "participants"),
])
def test_classify(config, tmp_path, rel, reason, table):
    found = classify(tmp_path / rel, tmp_path, config, AS_OF)
    assert (found.reason, found.table) == (reason, table)


def test_files_that_feed_no_table_are_in_ingest_files_and_quarantine(config, inbox, run):
    good = make_id(dt.date(1970, 5, 20))
    write_csv(inbox / "pension" / "participants_20261001.csv", headers(config, "participants"),
              [participant(good)])
    write_csv(inbox / "pension" / "members.csv", ["a"], [["1"]])
    write_csv(inbox / "pension" / "cremations.csv", ["a"], [["1"]])
    (inbox / "pension" / "notes.docx").write_bytes(b"x")
    r = run(inbox)
    files = {f["file"]: f for f in r.rows("select * from ingest_files")}
    assert {k: (v["status"], v["reason"], v["read"]) for k, v in files.items()} == {
        "pension/participants_20261001.csv": ("ok", None, 1),
        "pension/members.csv": ("quarantined", "unknown_table", 0),
        "pension/cremations.csv": ("quarantined", "wrong_source", 0),
        "pension/notes.docx": ("quarantined", "unsupported_format", 0),
    }
    assert files["pension/participants_20261001.csv"]["stale"] is True   # 58 days old
    assert files["pension/participants_20261001.csv"]["age_days"] == 58
    assert files["pension/participants_20261001.csv"]["extract_kind"] == "day"
    assert (files["pension/members.csv"]["age_days"], files["pension/members.csv"]["extract_kind"]) \
        == (None, None)
    assert {(q["file"], q["reason"]) for q in r.quarantine() if q["row"] is None} == {
        ("pension/members.csv", "unknown_table"), ("pension/cremations.csv", "wrong_source"),
        ("pension/notes.docx", "unsupported_format")}
    status = r.rows("select * from table_status where \"table\" = 'participants'")[0]
    assert (status["present"], status["files"], status["rows"], status["stale"]) == (
        True, 1, 1, True)
    assert len(files["pension/members.csv"]["sha256"]) == 64
