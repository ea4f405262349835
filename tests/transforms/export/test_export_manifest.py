"""write_manifest: manifest.json per CONTRACT §3, listing every output written."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json

import openpyxl
import pytest

from transforms.export import (
    OutputFile,
    write_lists,
    write_manifest,
    write_report,
    write_township_workbooks,
)
from transforms.export.labels import SUMMARY_SHEET

AS_OF = dt.date(2024, 6, 30)


@pytest.fixture
def export_all(con, config):
    def run(out):
        rate = config.policy.target_rate
        files = write_lists(con, out, county=config.county)
        files += write_township_workbooks(con, out, config.county, AS_OF, target_rate=rate)
        files.append(write_report(con, out, config.county, AS_OF, {"version": "0.1.0"},
                                  target_rate=rate))
        path = write_manifest(con, out, AS_OF, "0.1.0", {"ingest": 1.23456, "export": 2},
                              files)
        return files, path
    return run


def data_rows(path):
    if path.suffix == ".csv":
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return len(list(csv.reader(handle))) - 1
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        return sum(sheet.max_row - 1 for sheet in book.worksheets
                   if sheet.title not in (SUMMARY_SHEET, "_recon"))
    return 0


def test_manifest_shape(export_all, sample, tmp_path):
    _, path = export_all(tmp_path)
    assert path == tmp_path / "manifest.json"
    text = path.read_text(encoding="utf-8")
    manifest = json.loads(text)
    assert set(manifest) == {"as_of", "version", "inputs", "skipped_checks", "outputs", "timings"}
    assert manifest["as_of"] == "2024-06-30" and manifest["version"] == "0.1.0"
    assert manifest["inputs"][0] == {
        "file": "health/death_certificates_20240101.csv", "source": "health",
        "table": "death_certificates", "sha256": "b" * 64, "extract_date": "2024-01-01",
        "read": 5, "accepted": 3, "quarantined": 2, "duplicates": 0,
        "status": "ok", "reason": None, "stale": True}
    assert manifest["inputs"][1]["extract_date"] is None
    assert manifest["skipped_checks"] == [
        {"check": "poverty_monitoring", "reason": "乡村振兴局本次未报送数据"}]
    assert manifest["timings"] == {"export": 2.0, "ingest": 1.235}
    assert "townships/乌兰镇.xlsx" in text  # ensure_ascii off


def test_every_output_is_listed_with_its_sha256_and_rows(export_all, sample, tmp_path):
    files, path = export_all(tmp_path)
    manifest = json.loads(path.read_text(encoding="utf-8"))
    listed = {o["file"]: o for o in manifest["outputs"]}
    on_disk = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert set(listed) == on_disk - {"manifest.json"}
    assert [o["file"] for o in manifest["outputs"]] == sorted(listed)
    assert {f.file: (f.rows, f.sha256) for f in files} == {
        k: (v["rows"], v["sha256"]) for k, v in listed.items()}
    for name, entry in listed.items():
        assert entry["sha256"] == hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
        assert entry["rows"] == data_rows(tmp_path / name), name
    assert listed["lists/deceased_accounts.csv"]["rows"] == 2
    assert listed["townships/北湾镇.xlsx"]["rows"] == 2


def test_header_only_outputs_carry_a_note(export_all, con, sample, tmp_path):
    con.execute("drop table list_enterprise_scheme")
    _, path = export_all(tmp_path)
    listed = {o["file"]: o for o in json.loads(path.read_text(encoding="utf-8"))["outputs"]}
    assert "list_enterprise_scheme missing" in listed["lists/enterprise_scheme.csv"]["note"]
    assert "note" not in listed["lists/deceased_accounts.csv"]


def test_same_inputs_same_manifest(export_all, sample, tmp_path):
    _, first = export_all(tmp_path / "a")
    _, second = export_all(tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()


def test_missing_ingest_tables_give_empty_sections(con, tmp_path):
    con.execute("drop table ingest_files")
    con.execute("drop table skipped_checks")
    manifest = json.loads(write_manifest(con, tmp_path, AS_OF, "v", {}, []).read_text("utf-8"))
    assert (manifest["inputs"], manifest["skipped_checks"], manifest["outputs"]) == ([], [], [])


def test_an_output_listed_twice_is_refused(con, tmp_path):
    twice = [OutputFile("progress.csv", 1, "0" * 64)] * 2
    with pytest.raises(ValueError, match="progress.csv"):
        write_manifest(con, tmp_path, AS_OF, "v", {}, twice)
