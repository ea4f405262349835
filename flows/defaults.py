"""The one place for the default paths of a run (CONTRACT.md §2).

The CLI, the flows, the deployments and the Makefile all take their defaults
from here (the Makefile passes an option only when it is given one).
Relative paths are relative to the working directory, as a data officer
types them; the served deployments resolve them against the project root.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from transforms.config import DEFAULT_CONFIG_DIR

INBOX = Path("data/inbox")
EXPORTS = Path("data/exports")
WAREHOUSE = Path("data/warehouse/recon.duckdb")
WEEKLY = EXPORTS / "weekly"
CONFIG_DIR = DEFAULT_CONFIG_DIR


def out_for(as_of: dt.date, exports: Path = EXPORTS) -> Path:
    """``data/exports/<as-of>``: where a run's outputs go unless ``--out`` says otherwise."""
    return Path(exports) / as_of.isoformat()


def weekly_for(as_of: dt.date, weekly: Path = WEEKLY) -> Path:
    """``data/exports/weekly/<as-of>``: where the weekly deployment publishes the 进度表."""
    return Path(weekly) / as_of.isoformat()
