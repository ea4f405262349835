import os

from flows import settings


def test_offline_settings_are_forced_by_the_product():
    settings.apply()
    assert os.environ["DO_NOT_TRACK"] == "1"
    assert os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"


def test_wiring_loads_the_cli_flow_and_both_deployments(config, tmp_path):
    """The "definitions load" smoke test: every command, the flow and its deployments."""
    from flows.cli import app
    from flows.recon import deployments, recon_flow

    assert recon_flow.name == "pension-recon"
    assert {c.name or c.callback.__name__ for c in app.registered_commands} >= {
        "run", "serve", "synth", "check-config"}
    nightly, weekly = deployments(config, inbox=tmp_path / "inbox",
                                  warehouse=tmp_path / "w.duckdb", exports=tmp_path / "x")
    assert (nightly.name, weekly.name) == ("nightly", "weekly")
