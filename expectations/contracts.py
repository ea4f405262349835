"""The data contracts of the staged tables: GX Core suites kept as JSON.

One suite per source table in ``expectations/suites/<table>.json`` (written by
``python -m expectations.build_suites``, committed, loaded here at run time).
Suites are validated on the normalised rows with an ephemeral GX context and
result format COMPLETE, so every failing row is known, not the first 200.
Bounds that depend on the run date are suite parameters (``$PARAMETER``):
``as_of``, ``as_of_month``, ``as_of_year``, ``next_year``; fixed bounds live in
the suite's ``meta.parameters``.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import math
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa
    from great_expectations.core import ExpectationSuiteValidationResult

log = logging.getLogger(__name__)

SUITES_DIR = Path(__file__).resolve().parent / "suites"
INDEX_COLUMN = "_rid"


class ContractError(RuntimeError):
    """A suite could not be evaluated (a broken suite, not bad data)."""


def suite_path(table: str) -> Path:
    return SUITES_DIR / f"{table}.json"


@cache
def suite_json(table: str) -> str | None:
    path = suite_path(table)
    return path.read_text(encoding="utf-8") if path.is_file() else None


def load_suite(table: str):
    """The committed suite of a table as a GX ExpectationSuite, or None when there is none."""
    import great_expectations as gx

    text = suite_json(table)
    return None if text is None else gx.ExpectationSuite(**json.loads(text))


def date_number(value: dt.date) -> float:
    """A date as the DOUBLE the suites compare: yyyymmdd (2026-11-28 -> 20261128.0).

    Ordered like the dates, exact in float64, and readable in the data docs.
    """
    return float(value.year * 10000 + value.month * 100 + value.day)


def parameters(suite, as_of: dt.date) -> dict[str, Any]:
    """Runtime values of the suite's ``$PARAMETER``s (dates as ``date_number``, the
    type of the date columns in ``to_frame``)."""
    fixed = dict((suite.meta or {}).get("parameters", {}))
    values: dict[str, Any] = {
        k: date_number(dt.date.fromisoformat(v)) if isinstance(v, str) else v
        for k, v in fixed.items()}
    values.update(as_of=date_number(as_of), as_of_month=date_number(as_of.replace(day=1)),
                  as_of_year=as_of.year, next_year=as_of.year + 1)
    return values


def suite_columns(suite) -> list[str]:
    """The columns a suite reads (its expectations' columns and row conditions)."""
    found: list[str] = []

    def add(name):
        if name and name not in found:
            found.append(name)

    def conditions(node):
        if isinstance(node, dict):
            column = node.get("column")
            add(column.get("name") if isinstance(column, dict) else None)
            for child in node.get("conditions", []):
                conditions(child)
    for expectation in suite.expectations:
        config = expectation.configuration.kwargs
        for key in ("column", "column_A", "column_B"):
            add(config.get(key))
        for key in config.get("column_list") or []:
            add(key)
        condition = config.get("row_condition")
        if hasattr(condition, "to_dict"):
            condition = condition.to_dict()
        conditions(condition)
    return found


def to_frame(table: pa.Table, columns: list[str] | None = None,
             keep: pa.Array | None = None) -> pd.DataFrame:
    """Staged rows as the suites see them: ``_rid`` and the ``columns`` they read (all
    when None), money as float64 and dates as ``date_number`` float64; only the rows
    where ``keep`` holds (all when None).

    GX evaluates between and pair expectations vectorised only on numpy numbers
    (datetime64[ms] goes through a Python ``map`` per value), and it hashes the
    whole frame per batch: only the columns a suite reads go in, and as numbers.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    names = table.column_names if columns is None else \
        [INDEX_COLUMN, *[c for c in columns if c != INDEX_COLUMN and c in table.column_names]]
    table = table.select(names)
    if keep is not None and not pc.all(keep).as_py():
        table = table.filter(keep)
    arrays = []
    for name in names:
        column = table.column(name)
        if pa.types.is_decimal(column.type):
            column = column.cast(pa.float64())
        elif pa.types.is_date(column.type):
            column = pc.add(pc.add(pc.multiply(pc.year(column), 10000),
                                   pc.multiply(pc.month(column), 100)),
                            pc.day(column)).cast(pa.float64())
        elif pa.types.is_integer(column.type) and column.type != pa.int64():
            column = column.cast(pa.int64())  # GX's between: numpy int32 goes through map
        arrays.append(column)
    return pa.table(arrays, names=names).to_pandas()


def _dates_back(result, dates: set[str]) -> None:
    """Sample values of date columns back to dates, for the data docs (the few
    partial values only; the complete lists stay numbers)."""
    import pandas as pd

    def back(value):
        if isinstance(value, float) and not math.isnan(value):
            n = int(value)
            return pd.Timestamp(dt.date(n // 10000, n // 100 % 100, n % 100))
        return value
    for item in result.results:
        if item.expectation_config.kwargs.get("column") not in dates or not item.result:
            continue
        if "partial_unexpected_list" in item.result:
            item.result["partial_unexpected_list"] = [
                back(v) for v in item.result["partial_unexpected_list"]]
        for entry in item.result.get("partial_unexpected_counts") or []:
            entry["value"] = back(entry.get("value"))


def reason_of(result) -> str:
    """The quarantine reason of a failed expectation: its type and its column(s)."""
    kwargs = result.expectation_config.kwargs
    columns = kwargs.get("column") or ",".join(
        kwargs[k] for k in ("column_A", "column_B") if kwargs.get(k))
    kind = result.expectation_config.type
    return f"{kind}:{columns}" if columns else kind


def skip_batch_fingerprint() -> None:
    """No md5 fingerprint of every staged frame (GX hashes the whole frame twice per
    validation, ~1 s per million rows). It is only a batch marker, which our data docs
    never show (the files' sha256 are in ingest_files); GX itself skips it for frames
    above ``HASH_THRESHOLD`` bytes. tests/expectations pin that the setting still exists
    and still has that effect."""
    from great_expectations.execution_engine import pandas_execution_engine

    if not hasattr(pandas_execution_engine, "HASH_THRESHOLD"):
        raise ContractError("great_expectations changed: pandas_execution_engine."
                            "HASH_THRESHOLD is gone (expectations/contracts.py)")
    pandas_execution_engine.HASH_THRESHOLD = 0


def release_batches(source) -> None:
    """Let go of the frames validated so far. A GX pandas datasource keeps one execution
    engine whose batch manager caches every batch it loaded, by batch id: the last frame
    of each table would stay alive for the whole run (1.2 GB at 500,000 people). Private
    GX attributes: tests/expectations pin that they exist and that nothing is kept."""
    engine = source.get_execution_engine()
    getattr(engine, "_recon_row_conditions", {}).clear()
    manager = engine.batch_manager
    for attribute in ("_batch_cache", "_batch_data_cache"):
        if not hasattr(manager, attribute):
            raise ContractError(f"great_expectations changed: BatchManager.{attribute} is gone "
                                "(expectations/contracts.py)")
        getattr(manager, attribute).clear()
    manager._active_batch_id = manager._active_batch_data_id = None


def share_row_conditions(engine) -> dict:
    """Filter a batch by a row condition once, not once per metric. GX's pandas engine
    runs ``DataFrame.query`` for every metric of an expectation with a row condition
    (7 times for the ID regex, ~0.1 s per million rows each time); the filtered frame
    is the same each time and no metric writes to it. The memo holds the batch it was
    computed on (so its ``id`` cannot be reused) and is cleared by ``release_batches``.
    A private GX method: tests/expectations pin that it still exists and is used."""
    method = getattr(type(engine), "_apply_row_condition_filter", None)
    if method is None:
        raise ContractError("great_expectations changed: PandasExecutionEngine."
                            "_apply_row_condition_filter is gone (expectations/contracts.py)")
    memo: dict = {}

    def apply(data, row_condition, domain_kwargs):
        key = (id(data), type(row_condition).__name__, repr(row_condition),
               repr(domain_kwargs.get("condition_parser")))
        hit = memo.get(key)
        if hit is None or hit[0] is not data:
            hit = memo[key] = (data, method(engine, data, row_condition, domain_kwargs))
        return hit[1]
    engine._apply_row_condition_filter = apply
    engine._recon_row_conditions = memo
    return memo


class ContractRunner:
    """Validates staged dataframes against their suites in one ephemeral GX context."""

    def __init__(self) -> None:
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        skip_batch_fingerprint()
        self._context = gx.get_context(mode="ephemeral")
        self._context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self._source = self._context.data_sources.add_pandas("staging")
        share_row_conditions(self._source.get_execution_engine())
        self._batches: dict[str, Any] = {}

    def validate(self, table: str, rows: pa.Table, as_of: dt.date,
                 keep: pa.Array | None = None) -> ExpectationSuiteValidationResult | None:
        """The validation result of ``table``'s suite on ``rows`` (those where ``keep``
        holds, when given; None without a suite)."""
        import pyarrow as pa

        suite = load_suite(table)
        if suite is None:
            log.warning("no data contract for %s", table)
            return None
        columns = suite_columns(suite)
        frame = to_frame(rows, columns, keep)
        checked = len(frame)
        dates = {f.name for f in rows.schema if f.name in columns and pa.types.is_date(f.type)}
        if table not in self._batches:
            asset = self._source.add_dataframe_asset(name=table)
            self._batches[table] = asset.add_batch_definition_whole_dataframe(f"{table}_all")
        batch = self._batches[table].get_batch(batch_parameters={"dataframe": frame})
        try:
            result = batch.validate(
                suite, expectation_parameters=parameters(suite, as_of),
                result_format={"result_format": "COMPLETE",
                               "unexpected_index_column_names": [INDEX_COLUMN]})
        finally:
            del batch, frame
            release_batches(self._source)
        for item in result.results:
            info = item.exception_info or {}
            if info.get("raised_exception"):
                raise ContractError(f"suite {table}: {item.expectation_config.type} "
                                    f"{item.expectation_config.kwargs}: "
                                    f"{info.get('exception_message')}")
        _dates_back(result, dates)
        stats = result.statistics
        log.info("contract %s: %s of %s expectations met on %d rows", table,
                 stats["successful_expectations"], stats["evaluated_expectations"], checked)
        return result


def failing_rows(result: ExpectationSuiteValidationResult | None) -> dict[int, str]:
    """Row id -> reason for every row that failed an expectation (the first one in
    suite order when a row fails several)."""
    failing: dict[int, str] = {}
    if result is None:
        return failing
    for item in result.results:
        if item.success:
            continue
        reason = reason_of(item)
        for entry in item.result.get("unexpected_index_list") or []:
            failing.setdefault(int(entry[INDEX_COLUMN]), reason)
        if item.result.get("unexpected_count") and "unexpected_index_list" not in item.result:
            raise ContractError(f"{reason}: failed without row ids (a table-level expectation "
                                "cannot quarantine rows)")
    return failing
