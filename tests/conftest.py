"""Test-wide fixtures: offline settings, no leaking env vars, one Prefect harness."""
from __future__ import annotations

import datetime as dt
import os

import pytest

from flows import settings as _offline  # noqa: F401  (before Prefect is imported)
from transforms.config import load_config

AS_OF = dt.date(2026, 11, 28)


@pytest.fixture(autouse=True)
def _no_env_leaks(monkeypatch):
    """Tests may set env vars through monkeypatch only; this restores the rest."""
    before = dict(os.environ)
    yield
    for key in set(os.environ) - set(before):
        del os.environ[key]
    os.environ.update(before)


@pytest.fixture(autouse=True)
def _no_logging_leaks():
    """`recon` commands set up our loggers (flows/console.py); put them back after a test
    so that caplog sees every logger in the tests that follow."""
    import logging

    names = ("flows", "transforms", "expectations", "tests", "benchmarks", "synth")
    saved = {n: (logging.getLogger(n).handlers[:], logging.getLogger(n).level,
                 logging.getLogger(n).propagate) for n in names}
    yield
    for name, (handlers, level, propagate) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers[:], logger.propagate = handlers, propagate
        logger.setLevel(level)


@pytest.fixture(scope="session")
def config():
    return load_config()


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory):
    """One temporary Prefect API for the session, run heartbeats off (1.1 s -> 0.1 s a flow)."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with (temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}),
          prefect_test_harness(server_startup_timeout=120)):
        yield
