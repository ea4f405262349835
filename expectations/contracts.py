"""The data contracts of the staged tables: GX Core suites kept as JSON.

One suite per source table in ``expectations/suites/<table>.json`` (written by
``python -m expectations.build_suites``, committed, loaded here at run time).
Suites are validated on the normalised rows with an ephemeral GX context and
result format COMPLETE, so every failing row is known, not the first 200.
Bounds that depend on the run date are suite parameters (``$PARAMETER``):
``as_of``, ``as_of_month``, ``as_of_year``, ``next_year``; fixed bounds live in
the suite's ``meta.parameters``.

Here: the suites (loading, parameters, the columns they read, their groups), the
runner and its result accounting (failing rows and their reasons). The frames GX
validates are built in ``gx_frames.py``, the private GX settings the runner relies on
are in ``gx_engine.py``; both are re-exported from here.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from expectations.gx_engine import (  # noqa: F401 (re-exported: tests pin them here)
    ContractError,
    condition_columns,
    filter_by_distinct,
    release_batches,
    share_row_conditions,
    skip_batch_fingerprint,
)
from expectations.gx_frames import (  # noqa: F401 (re-exported: imported from here)
    INDEX_COLUMN,
    date_number,
    date_numbers,
    dates_back,
    group_frame,
    to_arrow,
    to_frame,
)

if TYPE_CHECKING:
    import pyarrow as pa
    from great_expectations.core import ExpectationSuiteValidationResult

log = logging.getLogger(__name__)

SUITES_DIR = Path(__file__).resolve().parent / "suites"


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
    return expectation_columns(suite.expectations)


def expectation_columns(expectations) -> list[str]:
    """The columns some expectations read (their columns and row conditions), in order."""
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
    for expectation in expectations:
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


def column_groups(suite) -> list[tuple[list[str], list[int]]]:
    """The suite's expectations grouped by the columns they read: (columns, positions in
    the suite, ascending), one group per set of columns, in suite order. Each group is
    validated on a frame of ``_rid`` and its columns only: GX's pandas engine copies the
    whole frame for every metric that filters rows (missing values, row conditions,
    unexpected rows), so a column no expectation of the group reads is only a cost
    (the ID status check on its own frame does not copy the 18-character IDs)."""
    groups: dict[frozenset, tuple[list[str], list[int]]] = {}
    for position, expectation in enumerate(suite.expectations):
        columns = expectation_columns([expectation])
        groups.setdefault(frozenset(columns), (columns, []))[1].append(position)
    return list(groups.values())


class ContractRunner:
    """Validates staged dataframes against their suites in one ephemeral GX context.

    A suite is validated group by group (``column_groups``), each group on a frame of
    the columns it reads, and the groups' results are put back in suite order into one
    suite result: the same expectations, results and failing rows as one validation of
    the whole suite on a frame of every column (a test holds them equal), at a fraction
    of the cost, since GX's pandas engine copies the whole frame for every metric that
    filters rows (row conditions, missing values, unexpected rows)."""

    def __init__(self) -> None:
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        skip_batch_fingerprint()
        self._context = gx.get_context(mode="ephemeral")
        self._context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self._source = self._context.data_sources.add_pandas("staging")
        share_row_conditions(self._source.get_execution_engine())
        self._batches: dict[str, Any] = {}
        self._plans: dict[str, tuple[Any, list[tuple[list[str], list[int], Any]]]] = {}

    def _plan(self, table: str):
        """(suite, [(columns, positions, sub-suite)]) of a table; None without a suite.
        The sub-suites are the committed suite's own expectations, cut by group."""
        import great_expectations as gx

        if table not in self._plans:
            suite = load_suite(table)
            if suite is None:
                return None
            spec = json.loads(suite_json(table))
            groups = [(columns, positions, gx.ExpectationSuite(**{
                **spec, "expectations": [spec["expectations"][i] for i in positions]}))
                for columns, positions in column_groups(suite)]
            self._plans[table] = (suite, groups)
        return self._plans[table]

    def validate(self, table: str, rows: pa.Table, as_of: dt.date,
                 keep: pa.Array | None = None) -> ExpectationSuiteValidationResult | None:
        """The validation result of ``table``'s suite on ``rows`` (those where ``keep``
        holds, when given; None without a suite)."""
        import pyarrow as pa
        from great_expectations.core import ExpectationSuiteValidationResult
        from great_expectations.validator.validation_statistics import (
            calc_validation_statistics,
        )

        plan = self._plan(table)
        if plan is None:
            log.warning("no data contract for %s", table)
            return None
        suite, groups = plan
        columns = suite_columns(suite)
        converted = to_arrow(rows, columns, keep)
        checked = converted.num_rows
        dates = {f.name for f in rows.schema if f.name in columns and pa.types.is_date(f.type)}
        if table not in self._batches:
            asset = self._source.add_dataframe_asset(name=table)
            self._batches[table] = asset.add_batch_definition_whole_dataframe(f"{table}_all")
        values = parameters(suite, as_of)
        results: list = [None] * len(suite.expectations)
        meta = None
        for group_columns, positions, sub in groups:
            frame = group_frame(converted, group_columns)
            batch = self._batches[table].get_batch(batch_parameters={"dataframe": frame})
            try:
                result = batch.validate(
                    sub, expectation_parameters=values,
                    result_format={"result_format": "COMPLETE",
                                   "unexpected_index_column_names": [INDEX_COLUMN]})
            finally:
                del batch, frame
                release_batches(self._source)
            if [r.expectation_config.type for r in result.results] != \
                    [suite.expectations[i].expectation_type for i in positions]:
                raise ContractError(f"suite {table}: GX gave the results of {sub.name} "
                                    "in another order (expectations/contracts.py)")
            for position, item in zip(positions, result.results):
                results[position] = item
            meta = result.meta if meta is None else meta
        del converted
        for item in results:
            info = item.exception_info or {}
            if info.get("raised_exception"):
                raise ContractError(f"suite {table}: {item.expectation_config.type} "
                                    f"{item.expectation_config.kwargs}: "
                                    f"{info.get('exception_message')}")
        statistics = calc_validation_statistics(results)
        result = ExpectationSuiteValidationResult(
            results=results, success=statistics.success, suite_name=suite.name,
            statistics={"evaluated_expectations": statistics.evaluated_expectations,
                        "successful_expectations": statistics.successful_expectations,
                        "unsuccessful_expectations": statistics.unsuccessful_expectations,
                        "success_percent": statistics.success_percent},
            meta=meta)
        dates_back(result, dates)
        log.info("contract %s: %s of %s expectations met on %d rows in %d groups", table,
                 statistics.successful_expectations, statistics.evaluated_expectations,
                 checked, len(groups))
        return result


def reason_of(result) -> str:
    """The quarantine reason of a failed expectation: its type and its column(s)."""
    kwargs = result.expectation_config.kwargs
    columns = kwargs.get("column") or ",".join(
        kwargs[k] for k in ("column_A", "column_B") if kwargs.get(k))
    kind = result.expectation_config.type
    return f"{kind}:{columns}" if columns else kind


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
