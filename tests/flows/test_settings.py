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
