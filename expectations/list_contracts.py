"""Check every output list against its contract before export (STYLE: one GX suite per
output list).

Two checks, both from ``transforms/sql/lists/*.yml``:

1. the DuckDB types of the table's columns equal the contract's ``type`` (read from the
   catalogue: exact, and cheaper than any row check);
2. the committed GX suite ``expectations/suites/list_<name>.json`` (generated from the
   same file) on the table's rows, in one ephemeral GX context over pandas.

A failure is a bug in our rules, not bad input (bad input was quarantined at ingest):
the run stops with ``ListContractError`` naming the list, the column and the
expectation, before any file is written (docs/decisions.md, house-rules).
"""
from __future__ import annotations

import logging

import duckdb

from expectations.contracts import ContractError, load_suite, to_frame
from expectations.list_suites import suite_name
from transforms import lists_schema

log = logging.getLogger(__name__)


class ListContractError(RuntimeError):
    """A list table breaks its contract: a bug in the rules, so the run stops."""


def type_problems(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    """How the table's columns differ from the contract's (empty when they agree)."""
    table = lists_schema.table(name)
    got = dict(con.execute(
        "select column_name, data_type from duckdb_columns() "
        "where table_name = $t and not internal order by column_index", {"t": table}).fetchall())
    if not got:
        return [f"list {name}: table {table} does not exist"]
    want = lists_schema.column_types(name)
    problems = [f"list {name}: column {c}: type {got.get(c, 'missing')}, contract says {t}"
                for c, t in want.items() if got.get(c) != t]
    problems += [f"list {name}: column {c}: not in the contract" for c in got if c not in want]
    return problems


def _describe(name: str, item) -> str:
    cfg = item.expectation_config
    kwargs = cfg.kwargs
    where = kwargs.get("column") or ",".join(kwargs.get("column_list") or [])
    result = item.result or {}
    sample = result.get("partial_unexpected_list") or result.get("observed_value")
    count = result.get("unexpected_count")
    rows = f" on {count} rows" if count is not None else ""
    return f"list {name}: column {where}: {cfg.type} failed{rows} (e.g. {sample!r})"


class ListValidator:
    """Validates list tables against their suites in one ephemeral GX context.

    One dataframe asset serves every list (each asset GX adds rewrites the context's
    config), and a suite runs with result format BOOLEAN_ONLY; only a suite that
    fails runs again with SUMMARY, for the message. A list that passes, as every list
    should, costs GX half of what SUMMARY does (docs/decisions.md, rules-export)."""

    def __init__(self) -> None:
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self._context = gx.get_context(mode="ephemeral")
        self._context.variables.progress_bars = ProgressBarsConfig(globally=False)
        source = self._context.data_sources.add_pandas("lists")
        self._batches = source.add_dataframe_asset(name="lists") \
            .add_batch_definition_whole_dataframe("lists_all")

    def failures(self, con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
        problems = type_problems(con, name)
        if problems:
            return problems
        return self.suite_failures(name, rows_of(con, name))

    def suite_failures(self, name: str, rows) -> list[str]:
        """The broken expectations of list ``name``'s suite on ``rows`` (``rows_of``)."""
        suite = load_suite(suite_name(name))
        if suite is None:
            raise ContractError(f"no committed suite for list {name} "
                                "(python -m expectations.build_suites)")
        frame = to_frame(rows)
        batch = self._batches.get_batch(batch_parameters={"dataframe": frame})
        result = self._validate(batch, suite, "BOOLEAN_ONLY")
        out = []
        if not result.success:
            result = self._validate(batch, suite, "SUMMARY")
            out = [_describe(name, item) for item in result.results if not item.success]
        log.info("contract %s: %d expectations on %d rows, %d failed", suite.name,
                 len(result.results), len(frame), len(out))
        return out

    @staticmethod
    def _validate(batch, suite, result_format: str):
        result = batch.validate(suite, result_format={"result_format": result_format})
        for item in result.results:
            info = item.exception_info or {}
            if info.get("raised_exception"):
                raise ContractError(f"suite {suite.name}: {item.expectation_config.type}: "
                                    f"{info.get('exception_message')}")
        return result


def rows_of(con: duckdb.DuckDBPyConnection, name: str):
    """The rows of list ``name`` as an Arrow table (read on the connection's thread)."""
    rows = con.table(lists_schema.table(name)).arrow()
    return rows.read_all() if hasattr(rows, "read_all") else rows


def _raise(failures: list[str]) -> None:
    if failures:
        raise ListContractError("the lists break their contracts (a bug in the rules; "
                                "nothing was exported):\n" + "\n".join(failures))


def validate(con: duckdb.DuckDBPyConnection,
             names: tuple[str, ...] = lists_schema.OUTPUTS) -> None:
    """Raise ListContractError listing every broken expectation of every output."""
    validator = ListValidator()
    _raise([f for name in names for f in validator.failures(con, name)])


class ListChecks:
    """``validate`` spread over the rules step: GX is imported and its context made on
    a thread while the intermediate SQL runs, and each list's suite runs there as
    soon as the list is made, while DuckDB (which lets go of the GIL) makes the next.
    ``check`` reads the rows on the caller's thread (the connection stays on one
    thread); ``finish`` waits and raises as ``validate`` does, in OUTPUTS order."""

    def __init__(self) -> None:
        from concurrent.futures import ThreadPoolExecutor

        import pyarrow  # noqa: F401  (imported here first: check() needs it while GX imports)

        self._pool = ThreadPoolExecutor(1, thread_name_prefix="list-contracts")
        self._validator = self._pool.submit(ListValidator)
        self._checks: dict[str, object] = {}

    def check(self, con: duckdb.DuckDBPyConnection, name: str) -> None:
        problems = type_problems(con, name)
        if problems:
            self._checks[name] = problems
            return
        rows = rows_of(con, name)
        self._checks[name] = self._pool.submit(
            lambda: self._validator.result().suite_failures(name, rows))

    def finish(self, con: duckdb.DuckDBPyConnection,
               names: tuple[str, ...] = lists_schema.OUTPUTS) -> None:
        try:
            for name in names:
                if name not in self._checks:
                    self.check(con, name)
            failures = []
            for name in names:
                found = self._checks[name]
                failures += found if isinstance(found, list) else found.result()
        finally:
            self.close()
        _raise(failures)

    def close(self) -> None:
        """Stop the thread (after its current suite); nothing more is checked."""
        self._pool.shutdown(wait=True, cancel_futures=True)
