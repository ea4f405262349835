"""The suites validated group by group (expectations.contracts.ContractRunner) give what
one GX validation of the whole suite on a frame of every column gives: the same result
for every expectation, the same failing rows with the same reasons."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pyarrow as pa
import pytest

from expectations import contracts, gx_frames
from expectations.contracts import (
    INDEX_COLUMN,
    ContractRunner,
    column_groups,
    date_numbers,
    failing_rows,
    load_suite,
    parameters,
    suite_columns,
    to_frame,
)
from tests.transforms.ingest.conftest import AS_OF, make_id
from transforms.config import load_config
from transforms.ingest.staging import arrow_schema, staging_columns
from transforms.normalise.id import STATUSES

TABLES = sorted(load_config().sources.tables)


def _values(name: str, kind: pa.DataType, suite, rng: random.Random, n: int) -> list:
    """Values of one column: those the suite allows, others it rejects, and NULLs."""
    allowed = [e.configuration.kwargs.get("value_set") for e in suite.expectations
               if e.configuration.kwargs.get("column") == name]
    allowed = next((v for v in allowed if v), None)
    if name == "id_number":
        pool = [make_id(dt.date(1950, 3, 4)), make_id(dt.date(1990, 1, 2)), "11010119900",
                "X" * 18, None]
    elif name == "id_status":
        pool = [*STATUSES, "bogus", None]
    elif allowed is not None:
        pool = [*allowed, "其他", None]
    elif pa.types.is_string(kind):
        pool = ["a", "b", None]
    elif pa.types.is_date(kind):
        pool = [dt.date(1950, 1, 1), dt.date(1899, 12, 31), AS_OF,
                AS_OF + dt.timedelta(days=1), dt.date(2030, 5, 6), None]
    elif pa.types.is_decimal(kind):
        pool = [Decimal(0), Decimal("12.50"), Decimal("-0.01"), None]
    elif pa.types.is_integer(kind):
        pool = [0, 1, 1991, 2009, 2026, 2028, -3, None]
    else:
        pool = [None]
    return [rng.choice(pool) for _ in range(n)]


def _rows(table: str, n: int = 60, seed: int = 7) -> pa.Table:
    suite = load_suite(table)
    schema = arrow_schema(staging_columns(load_config().sources.tables[table]))
    rng = random.Random(f"{table}{seed}")
    arrays = []
    for field in schema:
        if field.name == INDEX_COLUMN:
            arrays.append(pa.array(range(1, n + 1), pa.int64()))
        else:
            arrays.append(pa.array(_values(field.name, field.type, suite, rng, n), field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def _whole_suite(table: str, rows: pa.Table, keep=None):
    """GX's own answer: the whole suite, one frame of every suite column, GX's own
    row-condition filter (no memo, no distinct values)."""
    runner = ContractRunner()
    engine = runner._source.get_execution_engine()
    del engine._apply_row_condition_filter
    suite = load_suite(table)
    asset = runner._source.add_dataframe_asset(name=table)
    frame = to_frame(rows, suite_columns(suite), keep)
    batch = asset.add_batch_definition_whole_dataframe(f"{table}_all").get_batch(
        batch_parameters={"dataframe": frame})
    result = batch.validate(suite, expectation_parameters=parameters(suite, AS_OF),
                            result_format={"result_format": "COMPLETE",
                                           "unexpected_index_column_names": [INDEX_COLUMN]})
    dates = {f.name for f in rows.schema if pa.types.is_date(f.type)}
    gx_frames.dates_back(result, dates)
    return result


@pytest.mark.parametrize("table", TABLES)
def test_groups_give_the_whole_suites_results_and_failing_rows(table):
    rows = _rows(table)
    keep = pa.array([i % 5 != 0 for i in range(rows.num_rows)])  # rows a check rejected
    grouped = ContractRunner().validate(table, rows, AS_OF, keep)
    reference = _whole_suite(table, rows, keep)
    assert [r.to_json_dict() for r in grouped.results] == \
        [r.to_json_dict() for r in reference.results]
    assert grouped.statistics == reference.statistics and grouped.success == reference.success
    assert failing_rows(grouped) == failing_rows(reference)
    assert failing_rows(grouped)  # the generated rows do break the suite


def test_the_id_status_check_has_its_own_frame():
    """Groups by the columns read, in suite order: the regex (ID and its status, its
    row condition) and the status check are validated on different frames."""
    groups = column_groups(load_suite("participants"))
    assert groups[0] == (["id_status"], [0])
    assert groups[1] == (["id_number", "id_status"], [1])
    assert sorted(p for _, positions in groups for p in positions) == \
        list(range(len(load_suite("participants").expectations)))


def test_date_numbers_equal_the_arithmetic():
    days = [dt.date(1, 1, 1), dt.date(1900, 2, 28), dt.date(2024, 2, 29), None,
            dt.date(9999, 12, 31), dt.date(2026, 11, 28)]
    for values in (days, days[1:4], [None, None], []):
        column = pa.chunked_array([pa.array(values, pa.date32())], pa.date32())
        expected = [None if d is None else float(d.year * 10000 + d.month * 100 + d.day)
                    for d in values]
        assert date_numbers(column).to_pylist() == expected
    far = pa.array([-719162 * 6, 0], pa.date32())  # beyond MAX_DATE_SPAN: the arithmetic
    assert date_numbers(far).to_pylist() == gx_frames.yyyymmdd(far).to_pylist()


def test_a_row_condition_keeps_the_frame_itself_when_every_row_holds():
    """The memoised filter hands GX the frame itself when every row meets the condition
    (no copy) and GX's own rows otherwise."""
    import pandas as pd

    frame = pd.DataFrame({"_rid": [1, 2, 3], "id_status": ["valid", "converted_15", "valid"]},
                         ).astype({"id_status": "str"})
    condition = load_suite("participants").expectations[1].configuration.kwargs["row_condition"]
    calls = []

    def gx_filter(data):
        calls.append(len(data))
        return data[data["id_status"].isin(["valid", "converted_15"])]
    assert contracts.filter_by_distinct(gx_filter, frame, condition) is frame
    assert calls == [2]  # the two distinct statuses, not the three rows
    frame.loc[1, "id_status"] = None
    kept = contracts.filter_by_distinct(gx_filter, frame, condition)
    assert kept["_rid"].tolist() == [1, 3] and kept.index.tolist() == [0, 2]
