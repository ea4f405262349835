"""match_links / match_review: schema of docs/architecture.md, replaced per run, deterministic."""
from __future__ import annotations

import pytest

from transforms.match import match_all
from transforms.sqlfile import StepError

LINK_COLUMNS = [("src_table", "VARCHAR"), ("src_rid", "BIGINT"), ("ledger_rid", "BIGINT"),
                ("ledger_id_number", "VARCHAR"), ("method", "VARCHAR"), ("score", "DOUBLE"),
                ("evidence", "VARCHAR")]
REVIEW_COLUMNS = [("src_table", "VARCHAR"), ("src_rid", "BIGINT"), ("source", "VARCHAR"),
                  ("source_id_number", "VARCHAR"), ("source_name", "VARCHAR"),
                  ("ledger_rid", "BIGINT"), ("ledger_id_number", "VARCHAR"),
                  ("reason", "VARCHAR"), ("score", "DOUBLE"), ("evidence", "VARCHAR")]


def _schema(con, table):
    return [(r[0], r[1]) for r in con.execute(f"describe {table}").fetchall()]


def test_empty_inputs_give_empty_tables_with_the_architecture_schema(con, config, staging):
    counts = match_all(con, config)
    assert _schema(con, "match_links") == LINK_COLUMNS
    assert _schema(con, "match_review") == REVIEW_COLUMNS
    assert set(counts) == {name for name, t in config.sources.tables.items()
                           if t.kind == "department"}
    assert all(c["records"] == 0 for c in counts.values())


def test_a_rerun_replaces_the_previous_tables_and_is_identical(con, config, staging, make_id):
    staging.ledger(make_id("19500302"), "张伟", birth="1950-03-02")
    staging.add("cremations", make_id("19500302"), "张伟")
    staging.add("death_certificates", None, "张玮", birth="1950-03-02")
    match_all(con, config)
    first = (staging.links(), staging.review())
    match_all(con, config)
    assert (staging.links(), staging.review()) == first
    con.execute("delete from stg_cremations")
    con.execute("delete from stg_death_certificates")
    match_all(con, config)
    assert staging.links() == [] and staging.review() == []


def test_no_temporary_tables_are_left_behind(con, config, staging):
    match_all(con, config)
    left = con.execute("select table_name from duckdb_tables() where table_name like '\\_match%' "
                       "escape '\\'").fetchall()
    assert left == []


def test_missing_ledger_is_an_error_naming_it(con, config, staging):
    con.execute("drop table stg_participants")
    with pytest.raises(StepError, match="stg_participants"):
        match_all(con, config)


def test_a_missing_optional_department_table_is_skipped(con, config, staging, make_id):
    con.execute("drop table stg_poverty_monitoring")
    staging.ledger(make_id("19500302"), "张伟")
    staging.add("cremations", make_id("19500302"), "张伟")
    counts = match_all(con, config)
    assert "poverty_monitoring" not in counts
    assert counts["cremations"]["links"]["id"] == 1
