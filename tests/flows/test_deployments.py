"""The served deployments, checked offline (`to_deployment` makes no API call)."""
import datetime as dt

import pytest


@pytest.fixture(scope="module")
def served(config, tmp_path_factory):
    from flows.recon import deployments

    base = tmp_path_factory.mktemp("served")
    return base, deployments(config, inbox=base / "inbox", warehouse=base / "w.duckdb",
                             exports=base / "exports")


def test_nightly_at_two_and_weekly_on_monday_at_seven_county_time(served, config):
    _, (nightly, weekly) = served
    crons = [(d.schedules[0].schedule.cron, d.schedules[0].schedule.timezone)
             for d in (nightly, weekly)]
    assert crons == [("0 2 * * *", "Asia/Shanghai"), ("0 7 * * 1", "Asia/Shanghai")]
    assert config.operations.schedules.nightly == "0 2 * * *"  # where the figures live


def test_only_the_weekly_one_publishes_the_progress_table(served):
    _, (nightly, weekly) = served
    assert nightly.parameters["publish_weekly"] is False
    assert weekly.parameters["publish_weekly"] is True


def test_scheduled_runs_wait_for_a_busy_warehouse_and_use_absolute_paths(served, config):
    base, (nightly, weekly) = served
    for deployment in (nightly, weekly):
        assert deployment.parameters["wait_seconds"] == config.operations.schedules.wait_seconds
        assert deployment.parameters["inbox"] == str((base / "inbox").resolve())
        assert deployment.parameters["warehouse"] == str((base / "w.duckdb").resolve())
        assert "as_of" not in deployment.parameters  # today, unless a custom run says otherwise


def test_the_custom_run_form_gets_typed_parameters():
    """The UI builds its form from the flow's parameter schema (what to_deployment sends):
    as_of a date, inbox a path, flags booleans, each with its description."""
    from prefect.utilities.callables import parameter_schema

    from flows.recon import recon_flow

    props = parameter_schema(recon_flow).model_dump()["properties"]
    as_of = props["as_of"]
    kinds = {a.get("format") for a in as_of.get("anyOf", [as_of])}
    assert "date" in kinds
    assert props["inbox"]["format"] == "path"
    assert props["publish_weekly"]["type"] == "boolean"
    assert props["wait_seconds"]["type"] == "number"
    assert "county's time zone" in props["as_of"]["description"]


def test_a_custom_run_as_of_string_from_the_ui_is_validated_to_a_date():
    from flows.recon import recon_flow

    params = recon_flow.validate_parameters({"as_of": "2025-06-30", "inbox": "data/inbox"})
    assert params["as_of"] == dt.date(2025, 6, 30)
