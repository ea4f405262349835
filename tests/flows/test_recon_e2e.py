"""One end-to-end run of a small synthetic county through the real Prefect flow."""
from __future__ import annotations

import csv
import json
from collections import defaultdict

import pytest

from synth.compare import compare_lists, format_scores
from tests.conftest import AS_OF
from transforms.lists_schema import LISTS, PROGRESS, columns

pytestmark = pytest.mark.e2e
PEOPLE = 4000


@pytest.fixture(scope="module")
def county_run(tmp_path_factory, config, prefect_harness):
    from flows.recon import recon_flow
    from synth import generate

    base = tmp_path_factory.mktemp("county")
    inbox, truth, out = base / "inbox", base / "inbox.truth", base / "out"
    generate(people=PEOPLE, seed=11, as_of=AS_OF, out=inbox, truth=truth, config=config)
    result = recon_flow(inbox=inbox, out=out, as_of=AS_OF, warehouse=base / "w.duckdb")
    return {"inbox": inbox, "truth": truth, "out": out, "result": result, "base": base}


def _rows(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_output_of_the_contract_is_written(county_run):
    out = county_run["out"]
    for name in LISTS:
        with open(out / "lists" / f"{name}.csv", encoding="utf-8-sig") as handle:
            assert handle.readline().strip() == ",".join(columns(name))
    with open(out / "progress.csv", encoding="utf-8-sig") as handle:
        assert handle.readline().strip() == ",".join(PROGRESS)
    for name in ("quarantine.csv", "report.html", "manifest.json"):
        assert (out / name).is_file()
    assert list((out / "townships").glob("*.xlsx"))


def test_manifest_counts_add_up_for_every_file(county_run):
    manifest = json.loads((county_run["out"] / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["as_of"] == AS_OF.isoformat()
    found = {p.relative_to(county_run["inbox"]).as_posix()
             for p in county_run["inbox"].rglob("*") if p.is_file()}
    assert {i["file"] for i in manifest["inputs"]} == found
    for entry in manifest["inputs"]:
        if entry["read"]:
            assert entry["read"] == entry["accepted"] + entry["quarantined"] + entry["duplicates"], entry
    quarantined = _rows(county_run["out"] / "quarantine.csv")
    per_file = defaultdict(int)
    for row in quarantined:
        if row["row"]:
            per_file[row["file"]] += 1
    for entry in manifest["inputs"]:
        assert per_file.get(entry["file"], 0) == entry["quarantined"], entry["file"]
    assert any(not row["row"] for row in quarantined), "the corrupt file is quarantined whole"


def test_lists_reproduce_the_ground_truth(county_run):
    """Every injected case on its list with its reason, and no one else."""
    scores = compare_lists(county_run["out"], county_run["truth"])
    print("\n" + format_scores(scores))
    failures = {name: (s["missing"], s["extra"], s["wrong_values"])
                for name, s in scores.items()
                if s["missing"] or s["extra"] or s["wrong_values"]}
    assert not failures, failures


def test_rerun_gives_identical_lists(county_run, tmp_path):
    from flows.recon import recon_flow

    out2 = tmp_path / "out2"
    recon_flow(inbox=county_run["inbox"], out=out2, as_of=AS_OF,
               warehouse=county_run["base"] / "w.duckdb")
    for name in LISTS:
        first = (county_run["out"] / "lists" / f"{name}.csv").read_bytes()
        assert (out2 / "lists" / f"{name}.csv").read_bytes() == first, name
    assert (out2 / "progress.csv").read_bytes() == (county_run["out"] / "progress.csv").read_bytes()


def test_the_committed_sample_reproduces_its_ground_truth(tmp_path, prefect_harness):
    """data/sample (README: `make run INBOX=data/sample/inbox AS_OF=2025-06-30`)."""
    import datetime as dt
    from pathlib import Path

    from flows.recon import recon_flow

    sample = Path(__file__).resolve().parents[2] / "data" / "sample"
    recon_flow(inbox=sample / "inbox", out=tmp_path / "out", as_of=dt.date(2025, 6, 30),
               warehouse=tmp_path / "w.duckdb")
    scores = compare_lists(tmp_path / "out", sample / "inbox.truth")
    assert all(s["precision"] == s["recall"] == 1.0 and not s["wrong_values"]
               for s in scores.values()), format_scores(scores)
