import os

from flows import settings


def test_offline_settings_are_forced_by_the_product():
    settings.apply()
    assert os.environ["DO_NOT_TRACK"] == "1"
    assert os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"


def test_definitions_load():
    from flows.cli import app
    from flows.recon import nightly, recon_flow

    assert recon_flow.name == "pension-recon"
    assert nightly.name == "pension-recon-nightly"
    assert app.registered_commands


def test_the_nightly_deployment_runs_at_half_past_one_county_time(tmp_path):
    from flows.cli import nightly_deployment

    deployment = nightly_deployment("30 1 * * *", "Asia/Shanghai", tmp_path / "inbox",
                                    tmp_path / "w.duckdb", tmp_path / "config")
    schedule = deployment.schedules[0].schedule
    assert (schedule.cron, schedule.timezone) == ("30 1 * * *", "Asia/Shanghai")
    assert deployment.parameters["inbox"] == str((tmp_path / "inbox").resolve())
