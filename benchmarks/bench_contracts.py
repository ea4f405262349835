"""The data contracts on two GX engines: pandas (what ingest uses) and SQL on DuckDB.

    python -m benchmarks.bench_contracts WAREHOUSE [--as-of 2026-11-28]

WAREHOUSE holds the staged tables of a run (``stg_*``); it is copied, never
changed. Both engines evaluate the committed suites (expectations/suites/) on the
same rows: dates as yyyymmdd DOUBLE and money as DOUBLE (``expectations.contracts``).
GX 1.x has no DuckDB dialect: the SQL engine runs only with duckdb added to the
private ``_PERSISTED_CONNECTION_DIALECTS`` (duckdb-engine installed), and it
cannot evaluate regex expectations; those are counted, not run. Prints the
figures and writes benchmarks/results/contracts.json.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

RESULTS = Path(__file__).resolve().parent / "results"


def _tables(path: Path) -> list[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return [t for (t,) in con.execute(
            "select table_name from information_schema.tables "
            "where table_name like 'stg_%' order by 1").fetchall()]


def pandas_engine(path: Path, as_of: dt.date) -> dict:
    from expectations.contracts import ContractRunner, failing_rows

    start = time.perf_counter()
    runner = ContractRunner()
    figures = {"setup_seconds": round(time.perf_counter() - start, 2), "tables": {}}
    with duckdb.connect(str(path), read_only=True) as con:
        for table in _tables(path):
            rows = con.sql(f'select * from "{table}"').to_arrow_table()
            start = time.perf_counter()
            result = runner.validate(table[4:], rows, as_of)
            failing = failing_rows(result)
            figures["tables"][table[4:]] = {"rows": rows.num_rows, "failing_rows": len(failing),
                                            "seconds": round(time.perf_counter() - start, 3)}
    figures["validate_seconds"] = round(sum(t["seconds"] for t in figures["tables"].values()), 2)
    return figures


def _view_sql(con, table: str, columns: list[str]) -> str:
    types = dict(con.execute(f'select column_name, data_type from information_schema.columns '
                             f"where table_name = '{table}'").fetchall())
    parts = []
    for name in ["_rid", *[c for c in columns if c in types and c != "_rid"]]:
        kind = types[name]
        if kind == "DATE":
            parts.append(f'(year("{name}") * 10000 + month("{name}") * 100 + day("{name}"))'
                         f'::DOUBLE as "{name}"')
        elif kind.startswith("DECIMAL"):
            parts.append(f'"{name}"::DOUBLE as "{name}"')
        else:
            parts.append(f'"{name}"')
    return f'create view "v_{table}" as select {", ".join(parts)} from "{table}"'


def sql_engine(path: Path, as_of: dt.date, work: Path) -> dict:
    import great_expectations as gx
    from great_expectations.execution_engine import sqlalchemy_execution_engine as engine

    from expectations.contracts import INDEX_COLUMN, load_suite, parameters, suite_columns

    copy = work / "contracts.duckdb"
    shutil.copyfile(path, copy)
    tables = _tables(copy)
    with duckdb.connect(str(copy)) as con:
        for table in tables:
            suite = load_suite(table[4:])
            if suite is not None:
                con.execute(_view_sql(con, table, suite_columns(suite)))
    class DuckDialect(str):  # GXSqlDialect has no member for duckdb: a str with .value
        value = "duckdb"

    start = time.perf_counter()
    engine._PERSISTED_CONNECTION_DIALECTS = (*engine._PERSISTED_CONNECTION_DIALECTS,
                                             DuckDialect("duckdb"))
    context = gx.get_context(mode="ephemeral")
    source = context.data_sources.add_sql("warehouse", connection_string=f"duckdb:///{copy}")
    figures = {"setup_seconds": round(time.perf_counter() - start, 2), "tables": {}}
    for table in tables:
        suite = load_suite(table[4:])
        if suite is None:
            continue
        skipped = [e for e in suite.expectations if "regex" in e.expectation_type]
        figures.setdefault("expectations_run", 0)
        figures["expectations_run"] += len(suite.expectations) - len(skipped)
        for expectation in skipped:
            suite.delete_expectation(expectation)
        asset = source.add_table_asset(name=table, table_name=f"v_{table}")
        batch = asset.add_batch_definition_whole_table("all").get_batch()
        start = time.perf_counter()
        result = batch.validate(suite, expectation_parameters=parameters(suite, as_of),
                                result_format={"result_format": "COMPLETE",
                                               "unexpected_index_column_names": [INDEX_COLUMN],
                                               "partial_unexpected_count": 10**9})
        errors = [r.exception_info.get("exception_message") for r in result.results
                  if (r.exception_info or {}).get("raised_exception")]
        failing = {int(e[INDEX_COLUMN]) for r in result.results if not r.success
                   for e in (r.result.get("unexpected_index_list") or [])}
        figures["tables"][table[4:]] = {
            "seconds": round(time.perf_counter() - start, 3), "failing_rows": len(failing),
            "regex_expectations_not_run": len(skipped), "errors": errors[:3]}
    figures["validate_seconds"] = round(sum(t["seconds"] for t in figures["tables"].values()), 2)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--as-of", default="2026-11-28")
    args = parser.parse_args()
    as_of = dt.date.fromisoformat(args.as_of)
    figures = {"pandas_double": pandas_engine(args.warehouse, as_of)}
    with tempfile.TemporaryDirectory(prefix="bench-contracts-") as tmp:
        try:
            figures["duckdb_sql_patched"] = sql_engine(args.warehouse, as_of, Path(tmp))
        except ImportError as exc:
            figures["duckdb_sql_patched"] = {"error": f"not installed: {exc}"}
    for engine, f in figures.items():
        print(f"{engine:<20} setup {f.get('setup_seconds')} s, validate "
              f"{f.get('validate_seconds')} s {f.get('error', '')}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "contracts.json").write_text(json.dumps(figures, ensure_ascii=False, indent=2)
                                            + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
