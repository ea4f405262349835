"""Oracle test: on a small synthetic county, every staged department record is decided
as the synth oracle (an independent plain-pandas reading of RULES §2) expects."""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from transforms.match import match_all

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def county(tmp_path_factory, config):
    ingest = pytest.importorskip("transforms.ingest").ingest
    generate = pytest.importorskip("synth.generate").generate
    root = tmp_path_factory.mktemp("county")
    generate(1000, 11, dt.date(2024, 6, 30), root / "inbox", root / "truth", config)
    con = duckdb.connect()
    ingest(con, root / "inbox", config, dt.date(2024, 6, 30))
    match_all(con, config)
    staged = " union all ".join(
        f"select '{t}' as src_table, _rid, _file, _row from stg_{t}"
        for t, table in config.sources.tables.items() if table.kind == "department")
    con.execute(f"""
        create table decided as
        select t.expected_method as expected, t.ledger_id as truth_ledger_id,
               l.ledger_id_number as linked, l.method,
               exists (select 1 from match_review v where v.src_table = s.src_table
                       and v.src_rid = s._rid) as in_review
        from read_csv($path, all_varchar = true) t
        join ({staged}) s on s.src_table = t."table" and s._file = t.file
            and s._row = t."row"::integer
        left join match_links l on l.src_table = s.src_table and l.src_rid = s._rid
    """, {"path": str(root / "truth" / "links.csv")})
    yield con
    con.close()


def test_every_record_is_decided_as_the_oracle_expects(county):
    rows = county.execute("""
        select expected, coalesce(method, if(in_review, 'review', 'none')) as got, count(*)
        from decided where expected <> got group by all""").fetchall()
    assert rows == []
    (n,), = county.execute("select count(*) from decided").fetchall()
    assert n > 1000


def test_every_link_is_to_the_true_person(county):
    (wrong,), = county.execute(
        "select count(*) from decided where linked is not null "
        "and linked is distinct from truth_ledger_id").fetchall()
    (links,), = county.execute("select count(linked) from decided").fetchall()
    assert links > 500 and wrong == 0
