"""Sharding cannot change an answer: 1, 2 and 7 shards give the tables of one DuckDB.

The shard functions run in this process (no cluster): the committed sample at its
as-of date and a small synthetic county, each ingested once, matched and ruled once by
``match_all``/``build_lists``, then again by the sharded versions on a copy.
"""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest

from transforms import lists_schema
from transforms.config import DEFAULT_CONFIG_DIR
from transforms.ingest import ingest
from transforms.match import match_all
from transforms.rules import build_lists
from transforms.shard import build_lists_sharded, match_all_sharded

ROOT = Path(__file__).resolve().parents[3]
SAMPLE_AS_OF = dt.date(2025, 6, 30)
COMPARED = ("match_links", "match_review", "skipped_checks",
            *(lists_schema.table(name) for name in lists_schema.OUTPUTS))


def every_table(con) -> list[str]:
    """Every table the run left: the later steps (cases, export) read intermediate ones
    too (death_records, rule_ledger, ...), so all must equal a local run's."""
    return sorted(r[0] for r in con.execute(
        "select table_name from duckdb_tables() where not temporary").fetchall())


def table(con, name):
    """A table as (column types, rows in a total order)."""
    types = [(r[0], r[1]) for r in con.execute(f"describe {name}").fetchall()]
    return types, con.execute(f"select * from {name} order by all").fetchall()


def staged(base: Path, inbox: Path, as_of: dt.date, config) -> Path:
    warehouse = base / "staged.duckdb"
    con = duckdb.connect(str(warehouse))
    ingest(con, inbox, config, as_of)
    con.close()
    return warehouse


def local_and_sharded(base: Path, staged_file: Path, as_of, config, shard_counts, edit=None):
    """The compared tables from one local run and one sharded run per shard count."""
    runs = {}
    for n in (None, *shard_counts):
        path = base / f"run_{n or 'local'}.duckdb"
        shutil.copy(staged_file, path)
        con = duckdb.connect(str(path))
        if edit:
            edit(con)
        if n is None:
            match_all(con, config)
            build_lists(con, config, as_of)
        else:
            match_all_sharded(con, config, DEFAULT_CONFIG_DIR, base / f"scratch{n}" / "a", n)
            build_lists_sharded(con, config, DEFAULT_CONFIG_DIR, as_of,
                                base / f"scratch{n}" / "b", n)
        runs[n or "local"] = {t: table(con, t) for t in every_table(con)}
        con.close()
    return runs


@pytest.fixture(scope="module")
def sample(tmp_path_factory, config):
    base = tmp_path_factory.mktemp("shard_sample")
    return base, staged(base, ROOT / "data" / "sample" / "inbox", SAMPLE_AS_OF, config)


@pytest.fixture(scope="module")
def county(tmp_path_factory, config):
    from synth import generate
    from tests.conftest import AS_OF

    base = tmp_path_factory.mktemp("shard_county")
    inbox = base / "inbox"
    generate(people=1000, seed=5, as_of=AS_OF, out=inbox, truth=base / "truth", config=config)
    return base, staged(base, inbox, AS_OF, config)


def assert_same(runs):
    local = runs.pop("local")
    assert sum(len(rows) for _, rows in local.values()) > 0
    assert set(COMPARED) <= set(local)
    for n, got in runs.items():
        assert sorted(got) == sorted(local), f"other tables at {n} shards"
        for name in local:
            assert got[name][0] == local[name][0], f"{name}: column types differ at {n} shards"
            assert got[name][1] == local[name][1], f"{name}: rows differ at {n} shards"


def test_sample_gives_the_same_tables_with_1_2_and_7_shards(sample, config):
    base, staged_file = sample
    assert_same(local_and_sharded(base, staged_file, SAMPLE_AS_OF, config, (1, 2, 7)))


def test_synthetic_county_gives_the_same_tables_with_7_shards(county, config):
    from tests.conftest import AS_OF

    base, staged_file = county
    runs = local_and_sharded(base, staged_file, AS_OF, config, (7,))
    assert len(runs["local"]["list_lapsed_payers"][1]) > 10  # a county with real lists
    assert_same(runs)


def _typo_in_birth_digits(con) -> None:
    """A registry row of a ledger participant whose ID has a typo in its day of birth
    (a valid date, failing the check digit) and the same wrong date as its birth date:
    its only id_repaired candidate is born on another day, in another birth-date shard."""
    from transforms.normalise.id import check_char

    rid, id_number = con.execute(
        "select r._rid, r.id_number from stg_household_registry as r "
        "join stg_participants as p using (id_number) "
        "where r.id_status = 'valid' and substr(r.id_number, 13, 2) between '10' and '19' "
        "order by r._rid limit 1").fetchone()
    for digit in "0123456789":
        typo = id_number[:13] + digit + id_number[14:]
        if digit != id_number[13] and check_char(typo[:17]) != typo[17]:
            break
    born = dt.date(int(typo[6:10]), int(typo[10:12]), int(typo[12:14]))
    con.execute(
        "insert into stg_household_registry select * replace ("
        "(select max(_rid) + 1 from stg_household_registry) as _rid, $id as id_number, "
        "$id as id_raw, 'invalid_checksum' as id_status, $born as id_birth_date, "
        "$born as birth_date) from stg_household_registry where _rid = $rid",
        {"id": typo, "born": born, "rid": rid})
    con.execute("create or replace table typo_case as select $id as typo, $led as ledger_id",
                {"id": typo, "led": id_number})


def test_a_typo_inside_the_birth_date_digits_is_repaired_on_any_shard_count(sample, config):
    base, staged_file = sample
    (base / "typo").mkdir()
    runs = local_and_sharded(base / "typo", staged_file, SAMPLE_AS_OF, config, (7,),
                             edit=_typo_in_birth_digits)
    methods = [row for row in runs["local"]["match_links"][1] if "（第14位）" in str(row)]
    assert methods and methods[0][4] == "id_repaired"
    assert_same(runs)
