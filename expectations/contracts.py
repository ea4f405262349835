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


def parameters(suite, as_of: dt.date) -> dict[str, Any]:
    """Runtime values of the suite's ``$PARAMETER``s (dates as pandas Timestamps, the
    type of the date columns in ``to_frame``)."""
    import pandas as pd

    fixed = dict((suite.meta or {}).get("parameters", {}))
    values: dict[str, Any] = {
        k: pd.Timestamp(v) if isinstance(v, str) else v for k, v in fixed.items()}
    values.update(as_of=pd.Timestamp(as_of), as_of_month=pd.Timestamp(as_of.replace(day=1)),
                  as_of_year=as_of.year, next_year=as_of.year + 1)
    return values


def to_frame(table: pa.Table) -> pd.DataFrame:
    """Staged rows as the suites see them: money as float64 and dates as datetime64.

    Decimal and date objects would cost ~100 bytes a value and compare one by one;
    the checks (>= 0, ranges, order) give the same answers on these types.
    """
    import pyarrow as pa

    columns = []
    for field in table.schema:
        column = table.column(field.name)
        if pa.types.is_decimal(field.type):
            column = column.cast(pa.float64())
        elif pa.types.is_date(field.type):
            column = column.cast(pa.timestamp("ms"))
        columns.append(column)
    return pa.table(columns, names=table.column_names).to_pandas()


def reason_of(result) -> str:
    """The quarantine reason of a failed expectation: its type and its column(s)."""
    kwargs = result.expectation_config.kwargs
    columns = kwargs.get("column") or ",".join(
        kwargs[k] for k in ("column_A", "column_B") if kwargs.get(k))
    kind = result.expectation_config.type
    return f"{kind}:{columns}" if columns else kind


class ContractRunner:
    """Validates staged dataframes against their suites in one ephemeral GX context."""

    def __init__(self) -> None:
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self._context = gx.get_context(mode="ephemeral")
        self._context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self._source = self._context.data_sources.add_pandas("staging")
        self._batches: dict[str, Any] = {}

    def validate(self, table: str, frame: pd.DataFrame,
                 as_of: dt.date) -> ExpectationSuiteValidationResult | None:
        """The validation result of ``table``'s suite on ``frame`` (None without a suite)."""
        suite = load_suite(table)
        if suite is None:
            log.warning("no data contract for %s", table)
            return None
        if table not in self._batches:
            asset = self._source.add_dataframe_asset(name=table)
            self._batches[table] = asset.add_batch_definition_whole_dataframe(f"{table}_all")
        batch = self._batches[table].get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(
            suite, expectation_parameters=parameters(suite, as_of),
            result_format={"result_format": "COMPLETE",
                           "unexpected_index_column_names": [INDEX_COLUMN]})
        for item in result.results:
            info = item.exception_info or {}
            if info.get("raised_exception"):
                raise ContractError(f"suite {table}: {item.expectation_config.type} "
                                    f"{item.expectation_config.kwargs}: "
                                    f"{info.get('exception_message')}")
        stats = result.statistics
        log.info("contract %s: %s of %s expectations met on %d rows", table,
                 stats["successful_expectations"], stats["evaluated_expectations"], len(frame))
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
