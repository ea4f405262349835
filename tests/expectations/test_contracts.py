"""The data contracts (GX suites): committed, in step with config, and every failing row out."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa

from expectations import build_suites
from expectations.contracts import (
    SUITES_DIR,
    load_suite,
    parameters,
    suite_columns,
    suite_json,
    to_frame,
)
from expectations.list_suites import suite_name
from tests.transforms.ingest.conftest import AS_OF, make_id, write_csv
from transforms import lists_schema

REGISTRY = ["公民身份号码", "姓名", "出生日期", "户口状态", "注销原因", "注销日期"]


def test_committed_suites_match_the_config(config):
    """Regenerate with `python -m expectations.build_suites` when this fails."""
    for name, table in config.sources.tables.items():
        expected = build_suites.render(build_suites.suite_for(name, table, config))
        assert suite_json(name) == expected, f"{name}.json is out of date"
    lists = {suite_name(n) for n in lists_schema.OUTPUTS}  # tests/expectations/test_list_contracts
    assert {p.stem for p in SUITES_DIR.glob("*.json")} == set(config.sources.tables) | lists


def test_suites_load_as_gx_suites_with_run_date_parameters():
    suite = load_suite("death_certificates")
    assert suite.name == "death_certificates"
    values = parameters(suite, AS_OF)   # dates as yyyymmdd numbers, like the frame's dates
    assert values["as_of"] == AS_OF.year * 10000 + AS_OF.month * 100 + AS_OF.day
    assert values["earliest_date"] == 19000101.0
    assert (values["as_of_month"], values["as_of_year"], values["next_year"]) == (
        AS_OF.year * 10000 + AS_OF.month * 100 + 1, AS_OF.year, AS_OF.year + 1)
    assert load_suite("no_such_table") is None


def test_to_frame_types_for_the_contracts():
    table = pa.table({"m": pa.array([Decimal("-2.50")], pa.decimal128(18, 2)),
                      "d": pa.array([dt.date(2026, 11, 29)], pa.date32()),
                      "s": ["正常"]})
    frame = to_frame(table)
    assert frame["m"].tolist() == [-2.5]
    assert frame["d"].tolist() == [20261129.0] and frame["d"].dtype == "float64"
    assert frame["s"].tolist() == ["正常"]
    # Only the columns a suite reads travel (and the row id), in the suite's order.
    table = table.append_column("_rid", pa.array([7], pa.int64()))
    assert list(to_frame(table, ["s", "d", "not_staged"]).columns) == ["_rid", "s", "d"]
    # Only the rows ``keep`` holds (the stager's mask of rows not quarantined or duplicates).
    two = pa.concat_tables([table, table.set_column(3, "_rid", pa.array([8], pa.int64()))])
    assert to_frame(two, ["s"], pa.array([False, True]))["_rid"].tolist() == [8]
    assert to_frame(two, ["s"], pa.array([True, True]))["_rid"].tolist() == [7, 8]


def test_suite_columns_are_the_expectation_and_condition_columns():
    columns = suite_columns(load_suite("household_registry"))
    assert {"id_status", "id_number", "birth_date", "cancel_date", "hukou_status"} <= set(columns)
    assert "name" not in columns and "id_raw" not in columns


def test_every_row_outside_the_enum_is_quarantined_not_the_first_200(inbox, run):
    f = "public_security/household_registry.csv"
    bad = [[make_id(dt.date(1960, 1, 1), i), "张三", "", "迁移", "", ""] for i in range(250)]
    good = [[make_id(dt.date(1961, 1, 1), i), "李四", "", "正常", "", ""] for i in range(5)]
    write_csv(inbox / f, REGISTRY, bad + good)
    r = run(inbox)
    quarantined = r.quarantine(f)
    assert len(quarantined) == 250
    assert {q["reason"] for q in quarantined} == {
        "expect_column_values_to_be_in_set:hukou_status"}
    assert [q["row"] for q in quarantined] == list(range(1, 251))
    assert quarantined[0]["raw"]["户口状态"] == "迁移"
    assert len(r.stg("household_registry")) == 5
    entry = r.file(f)
    assert (entry["read"], entry["accepted"], entry["quarantined"]) == (255, 5, 250)
    assert r.result.tables["household_registry"].gx_failed_rows == 250


def test_future_dates_bad_ranges_and_order_within_a_row(inbox, run):
    certs = "health/death_certificates.csv"
    write_csv(inbox / certs, ["身份证件号码", "姓名", "出生日期", "死亡日期"], [
        [make_id(dt.date(1950, 1, 1), 1), "张三", "1950-01-01", "2026-11-28"],   # the as-of day
        [make_id(dt.date(1950, 1, 1), 2), "李四", "1950-01-01", "2026-11-29"],   # future death
        [make_id(dt.date(1950, 1, 1), 3), "王五", "1950-01-01", "1949-12-31"],   # before birth
        [make_id(dt.date(1950, 1, 1), 4), "赵六", "1850-01-01", "1900-01-02"],   # before 1900
    ])
    targets = "reference/township_targets.csv"
    write_csv(inbox / targets, ["乡镇", "年度", "参保任务数"], [
        ["乌兰镇", "2026", "0"], ["乌兰镇", "2030", "10"], ["火星乡", "2026", "10"],
        ["北湾镇", "2027", "10"]])
    contributions = "pension/contributions.csv"
    write_csv(inbox / contributions, ["公民身份号码", "缴费年度", "缴费档次", "个人缴费"],
              [[make_id(dt.date(1970, 1, 1)), "2026", "300", "-300"]])
    r = run(inbox)
    assert [(q["row"], q["reason"]) for q in r.quarantine(certs)] == [
        (2, "expect_column_values_to_be_between:death_date"),
        (3, "expect_column_pair_values_a_to_be_greater_than_b:death_date,birth_date"),
        (4, "expect_column_values_to_be_between:birth_date")]
    assert [(q["row"], q["reason"]) for q in r.quarantine(targets)] == [
        (1, "expect_column_values_to_be_between:target"),
        (2, "expect_column_values_to_be_between:year"),
        (3, "expect_column_values_to_be_in_set:township")]
    assert [q["reason"] for q in r.quarantine(contributions)] == [
        "expect_column_values_to_be_between:personal_amount"]
    assert [x["township"] for x in r.stg("township_targets")] == ["北湾镇"]
    assert [v.success for v in r.result.validations["township_targets"]] == [False]


def test_gx_computes_no_batch_fingerprint_and_still_finds_every_failing_row():
    """Pins the GX setting ContractRunner relies on (HASH_THRESHOLD): if GX drops or
    renames it, skip_batch_fingerprint raises and this fails."""
    from great_expectations.execution_engine import pandas_execution_engine

    from expectations.contracts import ContractRunner, failing_rows

    runner = ContractRunner()
    assert pandas_execution_engine.HASH_THRESHOLD == 0
    rows = pa.table({"_rid": pa.array([1, 2, 3], pa.int64()),
                     "id_status": ["valid", "bogus", "valid"],
                     "id_number": ["110101199003074518", None, "110101199003074518"]})
    result = runner.validate("participants", rows, AS_OF)
    assert "pandas_data_fingerprint" not in (result.meta.get("batch_markers") or {})
    assert set(failing_rows(result)) >= {2}


def test_the_runner_keeps_no_validated_frame():
    """Pins the GX attributes release_batches clears: the datasource's one execution
    engine would otherwise cache the last frame of every table for the whole run."""
    import gc
    import weakref

    from expectations import contracts

    runner = contracts.ContractRunner()
    frames: list = []
    frame_of = contracts.group_frame

    def kept(*args, **kwargs):
        frame = frame_of(*args, **kwargs)
        frames.append(weakref.ref(frame))
        return frame
    rows = pa.table({"_rid": pa.array([1, 2], pa.int64()), "id_status": ["valid", "bogus"],
                     "id_number": ["110101199003074518", None]})
    groups = len(contracts.column_groups(contracts.load_suite("participants")))
    try:
        contracts.group_frame = kept
        for _ in range(2):
            runner.validate("participants", rows, AS_OF)
    finally:
        contracts.group_frame = frame_of
    gc.collect()
    assert groups > 1 and len(frames) == 2 * groups and all(ref() is None for ref in frames)
    manager = runner._source.get_execution_engine().batch_manager
    assert manager.batch_data_cache == {}


def test_a_row_condition_filters_each_batch_once_with_the_same_failing_rows(monkeypatch):
    """Pins the private GX method share_row_conditions wraps: the ID regex's row
    condition (id_status in valid, converted_15) is computed once per batch, not once
    per metric, and the result equals GX's own (the memo removed)."""
    from great_expectations.execution_engine import pandas_execution_engine

    from expectations.contracts import ContractRunner, failing_rows

    engine_type = pandas_execution_engine.PandasExecutionEngine
    calls: list[int] = []
    original = engine_type._apply_row_condition_filter

    def counted(self, data, *args):
        calls.append(len(data))
        return original(self, data, *args)
    monkeypatch.setattr(engine_type, "_apply_row_condition_filter", counted)
    rows = pa.table({"_rid": pa.array([1, 2, 3, 4], pa.int64()),
                     "id_status": ["valid", "valid", "invalid_checksum", "converted_15"],
                     "id_number": ["110101199003074518", "11010119900307451", "12", "1X"]})
    shared = ContractRunner()
    results = [shared.validate("participants", rows, AS_OF) for _ in range(2)]
    # once per batch (a second batch is filtered anew), on the 3 distinct statuses
    assert calls == [3, 3]
    plain = ContractRunner()
    del plain._source.get_execution_engine()._apply_row_condition_filter  # GX's own
    reference = plain.validate("participants", rows, AS_OF)
    assert len(calls) > 3  # GX itself filters once per metric
    for result in results:
        assert failing_rows(result) == failing_rows(reference) == {
            2: "expect_column_values_to_match_regex:id_number",
            3: "expect_column_values_to_be_in_set:id_status",  # quarantined before GX in ingest
            4: "expect_column_values_to_match_regex:id_number"}
        assert [r.result for r in result.results] == [r.result for r in reference.results]


def test_to_frame_gives_integers_as_int64():
    """GX's between check is vectorised only for int64/float64 (int32 goes through a
    Python map per value)."""
    table = pa.table({"y": pa.array([2024, 1990], pa.int32()),
                      "n": pa.array([None, 3], pa.int32())})
    frame = to_frame(table)
    assert str(frame["y"].dtype) == "int64" and frame["y"].tolist() == [2024, 1990]
    assert str(frame["n"].dtype) == "float64"  # NULL: float64 with NaN, as before
