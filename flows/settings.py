"""Process settings the product sets for itself before Prefect is imported.

County servers have no internet: Prefect's server must never try to reach an
outside host (telemetry, analytics), and its home and database live under the
project (or the folder named by PENSION_RECON_HOME), not in a shared profile.
"""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

OFFLINE = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY": "false",
    "PREFECT_TELEMETRY_ENABLE_RESOURCE_METRICS": "false",
}


def apply() -> None:
    """Force the offline settings; default the Prefect home under the project."""
    os.environ.update(OFFLINE)
    home = Path(os.environ.get("PENSION_RECON_HOME", PROJECT_ROOT / ".prefect"))
    os.environ.setdefault("PREFECT_HOME", str(home))
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    # INFO reaches the API (the UI shows each step's figures); the console shows
    # Prefect's warnings only, and `recon run` silences it entirely (flows/console.py)
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
    home.mkdir(parents=True, exist_ok=True)


apply()
