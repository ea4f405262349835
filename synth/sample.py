"""A tiny synthetic county for docs and tests (``python -m synth.sample DIR``).

Writes ``DIR/inbox`` and ``DIR/inbox.truth``: about 600 people, every anomaly
kind at least once, well under a megabyte.
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from synth.generate import generate
from transforms.config import Config, load_config

SAMPLE_PEOPLE = 600
SAMPLE_SEED = 2022
SAMPLE_AS_OF = dt.date(2025, 6, 30)


def write_sample(directory: Path, config: Config | None = None) -> dict:
    directory = Path(directory)
    return generate(SAMPLE_PEOPLE, SAMPLE_SEED, SAMPLE_AS_OF, directory / "inbox",
                    directory / "inbox.truth", config or load_config())


if __name__ == "__main__":
    counts = write_sample(Path(sys.argv[1] if len(sys.argv) > 1 else "data/sample"))
    print({k: counts[k] for k in ("lists", "check")})
