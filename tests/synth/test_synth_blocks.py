"""A big county as independent blocks: the plan, a 3-block county of 4,500 people, and
the pipeline's lists on it against the merged truth."""
import datetime as dt
import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synth import blocks, generate
from synth.oracle.staging import row_groups
from synth.population import PREFIXES
from synth.world import Params

AS_OF = dt.date(2026, 11, 28)
PEOPLE, BLOCK, SEED = 3000, 1000, 4


def test_plan_sizes_codes_and_tags():
    plan = blocks.plan(25_000_000, 500_000)
    assert len(plan) == 50 and sum(b.people for b in plan) == 25_000_000
    assert [b.first_person for b in plan[:3]] == [0, 500_000, 1_000_000]
    assert plan[0].tag == "" and plan[7].tag == "part07"
    assert set(PREFIXES) <= set(plan[0].prefixes)  # block 0: the county's own codes
    for b in plan:
        assert abs(sum(b.prefixes.values()) - 1) < 1e-9
    for a, b in itertools.combinations(plan, 2):
        for x in a.prefixes:
            for y in b.prefixes:
                assert sum(p != q for p, q in zip(x, y)) >= blocks.MIN_DISTANCE, (x, y)
    # 25 M people: the main code's share is split so no code runs out of sequence numbers
    assert blocks.main_codes(25_000_000) >= 3 and blocks.main_codes(500_000) == 1
    assert blocks.sizes(1_000_001, 500_000) == [333_334, 333_334, 333_333]


def test_row_groups_equal_exactly_when_every_value_is():
    df = pd.DataFrame({"a": ["x", "x", "x", "y", None, None],
                       "b": [1, 1, 2, 1, 3, 3],
                       "c": pd.to_datetime(["2024-01-01"] * 5 + [None])})
    g = row_groups(df, ["a", "b", "c"])
    assert g[0] == g[1]
    assert len({g[0], g[2], g[3], g[4], g[5]}) == 5


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    base = tmp_path_factory.mktemp("blocks")
    counts = generate(PEOPLE, SEED, AS_OF, base / "inbox", base / "inbox.truth",
                      _config(), Params(block_people=BLOCK), workers=2)
    return base / "inbox", base / "inbox.truth", counts


def _config():
    from transforms.config import load_config
    return load_config()


def _ids(inbox: Path) -> dict[int, np.ndarray]:
    out = {}
    for f in sorted((inbox / "pension").glob("participants_*.csv")):
        part = int(f.stem.split("_part")[1]) if "_part" in f.stem else 0
        out[part] = pd.read_csv(f, dtype=str, encoding="utf-8-sig")["公民身份号码"].to_numpy()
    return out


def test_blocks_have_disjoint_birth_days_and_area_codes(county):
    inbox, truth, counts = county
    plan = blocks.plan(PEOPLE, BLOCK)
    ids = _ids(inbox)
    assert sorted(ids) == [0, 1, 2]
    for b in plan:
        births = pd.to_datetime(pd.Series(ids[b.index]).str[6:14], format="%Y%m%d")
        days = births.to_numpy("datetime64[D]").astype(np.int64)
        assert (days % b.count == b.index).all()
        assert set(pd.Series(ids[b.index]).str[:6]) <= set(b.prefixes)
    assert counts["check"] == {"oracle_only": 0, "cases_only": 0}
    meta = json.loads((truth / "truth.json").read_text(encoding="utf-8"))
    assert [b["people"] for b in meta["blocks"]] == [1000, 1000, 1000]
    assert not (truth / ".blocks").exists()
    # township targets and the odd files once; every other file once per block
    names = {p.name for p in inbox.rglob("*") if p.is_file()}
    assert "funeral_grants_补发.xlsx" in names and "funeral_grants_补发_part01.xlsx" not in names
    assert not [n for n in names if n.startswith("township_targets") and "_part" in n]
    assert "contributions_2026_税务大厅_part02.xlsx" in names


def test_merged_truth_is_the_blocks_truths(county):
    inbox, truth, counts = county
    lists = pd.read_csv(truth / "lists.csv", dtype=str, keep_default_na=False)
    assert len(lists) == sum(counts["lists"].values())
    assert (lists[["list", "id_number", "reason", "key"]].sort_values(
        ["list", "id_number", "reason", "key"]).index == lists.index).all()
    links = pd.read_csv(truth / "links.csv", dtype=str, keep_default_na=False)
    assert {f.split("/")[1] for f in links["file"]} >= {"enrollment_居民.csv",
                                                        "enrollment_居民_part02.csv"}
    every_id = np.concatenate(list(_ids(inbox).values()))
    assert len(set(every_id)) == len(every_id)


def test_same_seed_same_bytes_with_one_worker(county, tmp_path):
    inbox, truth, _ = county
    generate(PEOPLE, SEED, AS_OF, tmp_path / "inbox", tmp_path / "inbox.truth", _config(),
             Params(block_people=BLOCK), workers=1)
    for folder, again in ((inbox, tmp_path / "inbox"), (truth, tmp_path / "inbox.truth")):
        files = sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())
        assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
        for f in files:
            assert (folder / f).read_bytes() == (again / f).read_bytes(), f


@pytest.mark.e2e
def test_pipeline_lists_equal_the_merged_truth(county, tmp_path, prefect_harness):
    from flows.recon import recon_flow
    from synth.compare import compare_lists

    inbox, truth, _ = county
    recon_flow(inbox=inbox, out=tmp_path / "out", as_of=AS_OF, warehouse=tmp_path / "w.duckdb")
    scores = compare_lists(tmp_path / "out", truth)
    failures = {name: (s["missing"], s["extra"], s["wrong_values"])
                for name, s in scores.items() if s["missing"] or s["extra"] or s["wrong_values"]}
    assert not failures, failures


def test_a_failing_block_stops_the_county(tmp_path, monkeypatch):
    from synth import parallel

    def broken(block):
        raise SystemExit(3) if block.index == 1 else parallel.os._exit(0)
    monkeypatch.setattr(parallel, "_one", broken)
    with pytest.raises(RuntimeError, match="block 1 failed"):
        generate(PEOPLE, SEED, AS_OF, tmp_path / "inbox", tmp_path / "inbox.truth", _config(),
                 Params(block_people=BLOCK), workers=2)
