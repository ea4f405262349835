"""Staged rows as the suites see them: the frames GX's pandas engine validates.

GX evaluates between and pair expectations vectorised only on numpy numbers
(datetime64[ms] goes through a Python ``map`` per value), and it hashes the whole
frame per batch: only the columns a suite reads go in, as numbers. Money becomes
float64, dates ``date_number`` float64 (yyyymmdd), integers int64; the data docs'
sample values of date columns go back to dates (``dates_back``). The runner that
validates these frames is ``expectations/contracts.py``.
"""
from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

INDEX_COLUMN = "_rid"
MAX_DATE_SPAN = 4_000_000  # days: years 1 to 9999 fit; a wider span takes the arithmetic


def date_number(value: dt.date) -> float:
    """A date as the DOUBLE the suites compare: yyyymmdd (2026-11-28 -> 20261128.0).

    Ordered like the dates, exact in float64, and readable in the data docs.
    """
    return float(value.year * 10000 + value.month * 100 + value.day)


def yyyymmdd(column):
    """A date column as ``date_number`` float64 by arithmetic (NULL stays NULL)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.add(pc.add(pc.multiply(pc.year(column), 10000), pc.multiply(pc.month(column), 100)),
                  pc.day(column)).cast(pa.float64())


def date_numbers(column):
    """A date column as ``date_number`` float64 (NULL stays NULL). Through a table of
    the days between the column's first and last date: one ``take`` per row instead of
    seven arithmetic passes (year, month, day, products, sums, cast)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    days = column.cast(pa.date32()).cast(pa.int32())
    bounds = pc.min_max(days)
    low, high = bounds["min"].as_py(), bounds["max"].as_py()
    if low is None or high - low > MAX_DATE_SPAN:  # no date, or dates far apart
        return yyyymmdd(column)
    table = yyyymmdd(pa.array(np.arange(low, high + 1, dtype=np.int32)).cast(pa.date32()))
    return pc.take(table, pc.subtract(days, pa.scalar(low, pa.int32())))


def to_frame(table: pa.Table, columns: list[str] | None = None,
             keep: pa.Array | None = None) -> pd.DataFrame:
    """Staged rows as the suites see them: ``_rid`` and the ``columns`` they read (all
    when None), money as float64 and dates as ``date_number`` float64; only the rows
    where ``keep`` holds (all when None).

    GX evaluates between and pair expectations vectorised only on numpy numbers
    (datetime64[ms] goes through a Python ``map`` per value), and it hashes the
    whole frame per batch: only the columns a suite reads go in, and as numbers.
    """
    return to_arrow(table, columns, keep).to_pandas()


def to_arrow(table: pa.Table, columns: list[str] | None = None,
             keep: pa.Array | None = None) -> pa.Table:
    """``to_frame``'s columns, still in Arrow."""
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
            column = date_numbers(column)
        elif pa.types.is_integer(column.type) and column.type != pa.int64():
            column = column.cast(pa.int64())  # GX's between: numpy int32 goes through map
        arrays.append(column)
    return pa.table(arrays, names=names)


def group_frame(converted: pa.Table, columns: list[str]) -> pd.DataFrame:
    """One group's frame: ``_rid`` and the group's columns of ``to_arrow``'s table."""
    names = converted.column_names
    return converted.select(
        [INDEX_COLUMN, *[c for c in columns if c != INDEX_COLUMN and c in names]]).to_pandas()


def dates_back(result, dates: set[str]) -> None:
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
