"""What the data contracts change in GX's pandas engine, each pinned by a test in
tests/expectations: no batch fingerprint, no frame kept after a validation, and a row
condition filtered once per batch, on the distinct values of its column. Private GX
attributes: each helper raises ``ContractError`` when GX no longer has them, so an
upgrade fails loudly instead of silently losing the speed or the memory bound.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


class ContractError(RuntimeError):
    """A suite could not be evaluated (a broken suite, not bad data)."""


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


def condition_columns(row_condition) -> list[str] | None:
    """The columns a structured row condition reads; None for a query string."""
    if hasattr(row_condition, "dict") and not isinstance(row_condition, dict):
        row_condition = row_condition.dict()
    if not isinstance(row_condition, dict) or "pass_through_filter" in row_condition:
        return None
    found: list[str] = []

    def walk(node):
        column = node.get("column")
        name = column.get("name") if isinstance(column, dict) else None
        if name and name not in found:
            found.append(name)
        for child in node.get("conditions") or []:
            walk(child)
    walk(row_condition)
    return found or None


def filter_by_distinct(gx_filter, data: pd.DataFrame, row_condition) -> pd.DataFrame:
    """The rows of ``data`` GX's row-condition filter keeps, with GX's filter run on the
    distinct values of the condition's column, not on every row: a row condition
    compares a row's own values, so a row is kept exactly when its value is. The rows
    are then chosen by that value (``data`` itself when every row is kept: no copy).
    GX's ``DataFrame.query`` costs ~0.07 s per million rows (its index resolvers copy
    the index) and the filtered copy as much again; the ID status has a handful of
    values. A condition over several columns, or a query string, goes to GX whole."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = condition_columns(row_condition)
    if not columns or len(columns) != 1 or columns[0] not in data.columns:
        return gx_filter(data)
    column = data[columns[0]]
    values = pa.array(column, from_pandas=True)  # Arrow-backed strings: no copy
    if isinstance(values, pa.Array):
        values = pa.chunked_array([values])
    distinct = values.unique()
    import pandas as pd
    probe = pd.DataFrame({columns[0]: pd.Series(distinct.to_pandas(), dtype=column.dtype)})
    kept = gx_filter(probe)[columns[0]]
    keep = pc.is_in(values, value_set=pa.array(kept, type=distinct.type, from_pandas=True),
                    skip_nulls=False)
    mask = np.asarray(keep.to_numpy(zero_copy_only=False), dtype=bool)
    return data if mask.all() else data[mask]


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
            hit = memo[key] = (data, filter_by_distinct(
                lambda frame: method(engine, frame, row_condition, domain_kwargs),
                data, row_condition))
        return hit[1]
    engine._apply_row_condition_filter = apply
    engine._recon_row_conditions = memo
    return memo
