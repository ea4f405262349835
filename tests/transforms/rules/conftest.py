"""Shared fixtures for the rule tests (every rule group uses these; keep them generic).

- ``config``: the committed config tree (data/config).
- ``con``: an in-memory DuckDB made by ``tests.support.create_empty_warehouse``: every
  ``stg_*`` table of the config with ingest's own schema (empty), ``table_status``
  (every table present), empty ``match_links`` / ``match_review`` (the matcher's
  schema), an empty ``skipped_checks`` and the policy tables for 2014..2026 — i.e.
  what build_lists sees before any rule runs.
- ``build(con, ctx, *lists)``: the intermediate layer (rules/people.py), then the named
  list modules (``"deceased_accounts"``, …, ``"progress"``); returns their row counts.
- ``make_ctx(as_of)`` / ``ctx``: a RuleContext (``ctx`` uses the ``as_of`` fixture,
  default 2024-06-30; override ``as_of`` in a test module to change it).
- ``insert(con, table, rows)``: rows from small dicts (see ``insert_rows``).
- ``link(con, src_table, src_rid, ledger_id, ...)``: an auto-accepted match_links row.
- ``missing(con, table)``: mark a source table as not present tonight.
- ``make_id(birth, seq, sex)``: ``tests.support.valid_id``, a synthetic valid ID in county 620421.
- ``fetch(con, sql_or_table)``: rows as dicts, in a stable order.
- Golden cases live in tests/transforms/rules/cases/<list>/<case>/ (given.yaml and
  expect_<table>.csv). A test module sets ``GOLDEN_TABLES = ("<table>", ...)`` and asks
  for the ``golden_case`` fixture: it is parametrised over every case folder holding an
  expect_<table>.csv for one of them (a case may check several lists and intermediate
  tables). Fixtures ``load_case(con, dir)`` load its given.yaml (returning the as-of
  date) and ``check_expect(con, dir, tables)`` compares those expect_<table>.csv files
  with the tables (only the columns in the CSV header; values as CONTRACT prints them,
  NULL as empty).
  Test modules import nothing from here: use the fixtures.

given.yaml::

    as_of: 2024-06-30
    missing: [benefit_payments]          # tables not present tonight (optional)
    tables:                              # stg_<table> rows (insert_rows defaults apply)
      participants:
        - {_rid: 1, id_number: "620421195001010019", name: 张三, ...}
    links:                               # match_links (optional)
      - {src_table: household_registry, src_rid: 101, ledger_id: "6204...", method: id}
    review:                              # match_review rows (optional; all its columns)
      - {src_table: ..., src_rid: ..., source: ..., ...}
"""
from __future__ import annotations

import csv
import datetime as dt
import itertools
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import yaml

from tests.support import build_rules, create_empty_warehouse, valid_id
from transforms.config import Config, load_config
from transforms.normalise.id import birth_date_of
from transforms.normalise.name import pinyin_key
from transforms.rules import RuleContext

CASES = Path(__file__).resolve().parent / "cases"

_rid_counter = itertools.count(1)


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> list[int]:
    """Insert rows (dicts) into ``table`` (``stg_`` prefix optional); returns their _rid.

    Unknown keys raise. For stg_* tables, defaults are filled in:
    ``_rid`` (unique), ``_file``/``_row``; ``id_status`` 'valid' when an
    ``id_number`` is given (else 'missing'), ``id_raw`` and ``id_birth_date``
    from it; ``<name>_raw``/``<name>_pinyin`` from the name; ``township_raw``.
    Strings are cast by DuckDB to the column type ('2024-03-05' -> DATE, '98.5' -> DECIMAL).
    """
    name = table if table in _tables(con) else f"stg_{table}"
    cols = [r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_name = $t "
        "order by ordinal_position", {"t": name}).fetchall()]
    if not cols:
        raise KeyError(f"no table {table}")
    rids = []
    for i, row in enumerate(rows, start=1):
        unknown = set(row) - set(cols)
        if unknown:
            raise KeyError(f"{name}: unknown columns {sorted(unknown)}")
        full = dict(row)
        if name.startswith("stg_"):
            full.setdefault("_rid", next(_rid_counter))
            full.setdefault("_file", f"{name[4:]}.csv")
            full.setdefault("_row", i)
            if "id_status" in cols:
                idn = full.get("id_number")
                full.setdefault("id_status", "valid" if idn else "missing")
                full.setdefault("id_raw", idn)
                if idn and full["id_status"] in ("valid", "converted_15", "invalid_checksum"):
                    full.setdefault("id_birth_date", birth_date_of(idn))
            for c in cols:
                if c.endswith("_pinyin") and c[:-7] in full:
                    full.setdefault(c, pinyin_key(full[c[:-7]]))
                if c.endswith("_raw") and c != "id_raw" and c[:-4] in full:
                    full.setdefault(c, full[c[:-4]])
            rids.append(full["_rid"])
        keys = [c for c in cols if c in full]
        con.execute(f"insert into {name} (" + ", ".join(f'"{k}"' for k in keys) + ") values ("
                    + ", ".join(f"${k}" for k in keys) + ")", {k: full[k] for k in keys})
    return rids


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("select table_name from information_schema.tables")
            .fetchall()}


def add_link(con: duckdb.DuckDBPyConnection, src_table: str, src_rid: int, ledger_id: str,
             method: str = "id", score: float = 1.0, evidence: str = "身份证号一致") -> None:
    """An auto-accepted match of stg_<src_table> row ``src_rid`` to the ledger person ``ledger_id``."""
    row = con.execute("select _rid from stg_participants where id_number = $i",
                      {"i": ledger_id}).fetchone()
    con.execute("insert into match_links values ($t, $s, $lr, $li, $m, $sc, $e)",
                {"t": src_table, "s": src_rid, "lr": row[0] if row else None, "li": ledger_id,
                 "m": method, "sc": score, "e": evidence})


def mark_missing(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """No readable file came tonight for ``table`` (it stays empty)."""
    con.execute("update table_status set present = false, files = 0 where \"table\" = $t",
                {"t": table})


def fetch_rows(con: duckdb.DuckDBPyConnection, what: str, order_by: str | None = None) -> list[dict]:
    """Rows of a table name or a query, as dicts (ordered by ``order_by`` or all columns)."""
    sql = what if " " in what.strip() else f"select * from {what}"
    rel = con.sql(sql)
    order = order_by or ", ".join(f'"{c}"' for c in rel.columns)
    cur = con.execute(f"select * from ({sql}) order by {order}")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


@pytest.fixture(scope="session")
def config() -> Config:
    return load_config()


@pytest.fixture
def con(config):
    c = duckdb.connect()
    create_empty_warehouse(c, config)
    yield c
    c.close()


@pytest.fixture
def as_of() -> dt.date:
    return dt.date(2024, 6, 30)


@pytest.fixture
def make_ctx(config):
    def _make(as_of: dt.date | str) -> RuleContext:
        if isinstance(as_of, str):
            as_of = dt.date.fromisoformat(as_of)
        return RuleContext(config, as_of)
    return _make


@pytest.fixture
def ctx(make_ctx, as_of) -> RuleContext:
    return make_ctx(as_of)


@pytest.fixture
def insert():
    return insert_rows


@pytest.fixture
def link():
    return add_link


@pytest.fixture
def missing():
    return mark_missing


@pytest.fixture
def fetch():
    return fetch_rows


@pytest.fixture
def make_id():
    return valid_id


@pytest.fixture
def build():
    """``build(con, ctx, *lists)``: tests.support.build_rules."""
    return build_rules


def money(x) -> Decimal:
    """Decimal with two places, for comparing DECIMAL(18,2) results."""
    return Decimal(str(x)).quantize(Decimal("0.01"))


@pytest.fixture
def dec():
    """``dec('286')`` -> Decimal('286.00')."""
    return money


def case_dirs(tables) -> list[Path]:
    """The golden case folders holding an expect_<table>.csv for one of ``tables``."""
    return sorted({p.parent for t in tables for p in CASES.glob(f"*/*/expect_{t}.csv")})


def load_case(con: duckdb.DuckDBPyConnection, case_dir: Path) -> dt.date:
    given = yaml.safe_load((Path(case_dir) / "given.yaml").read_text(encoding="utf-8"))
    for table, rows in (given.get("tables") or {}).items():
        insert_rows(con, table, rows)
    for table in given.get("missing") or []:
        mark_missing(con, table)
    for lk in given.get("links") or []:
        add_link(con, lk["src_table"], lk["src_rid"], lk["ledger_id"], lk.get("method", "id"),
                 lk.get("score", 1.0), lk.get("evidence", "身份证号一致"))
    insert_rows(con, "match_review", given.get("review") or [])
    as_of = given.get("as_of", dt.date(2024, 6, 30))
    return as_of if isinstance(as_of, dt.date) else dt.date.fromisoformat(str(as_of))


def as_text(value) -> str:
    """A value as CONTRACT §3 prints it (NULL as empty, booleans true/false)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def check_expect(con: duckdb.DuckDBPyConnection, case_dir: Path, tables=None) -> int:
    """Assert each expect_<table>.csv (of ``tables``, default all) equals its table (as a
    multiset); returns the number of files checked."""
    files = sorted(p for p in Path(case_dir).glob("expect_*.csv")
                   if tables is None or p.stem[len("expect_"):] in tables)
    assert files, f"{case_dir}: no expect_*.csv"
    for path in files:
        table = path.stem[len("expect_"):]
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            cols = list(reader.fieldnames or [])
            rows = list(reader)
        assert all(None not in r and None not in r.values() for r in rows), \
            f"{path.name}: a row has a different number of fields than the header (quote commas)"
        want = sorted(tuple(row[c] for c in cols) for row in rows)
        got = sorted(tuple(as_text(v) for v in row) for row in con.execute(
            "select " + ", ".join(f'"{c}"' for c in cols) + f" from {table}").fetchall())
        assert got == want, f"{path.name}: got\n{got}\nwant\n{want}"
    return len(files)


def pytest_generate_tests(metafunc):
    if "golden_case" in metafunc.fixturenames:
        dirs = case_dirs(metafunc.module.GOLDEN_TABLES)
        metafunc.parametrize("golden_case", dirs,
                             ids=[f"{d.parent.name}/{d.name}" for d in dirs])


@pytest.fixture(name="load_case")
def _load_case_fixture():
    return load_case


@pytest.fixture(name="check_expect")
def _check_expect_fixture():
    return check_expect
