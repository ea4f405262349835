"""Golden digests of every list: the committed sample and a 50,000-person synthetic county.

The house refactor (issue #7) changes no behaviour: every list, byte for byte, stays as
it was. This module runs both inboxes through the real flow and compares the sha256 of
each list CSV and progress.csv with the committed ``digests.json``.

    python -m tests.golden.golden --update   # rewrite digests.json (only for a change
                                              # of behaviour that the CONTRACT asks for)
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DIGESTS = Path(__file__).with_name("digests.json")
SAMPLE_AS_OF = dt.date(2025, 6, 30)
COUNTY_AS_OF = dt.date(2026, 11, 28)
COUNTY_PEOPLE, COUNTY_SEED = 50_000, 3


def list_digests(out: Path) -> dict[str, str]:
    files = sorted((out / "lists").glob("*.csv")) + [out / "progress.csv", out / "quarantine.csv"]
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in files}


def run_sample(base: Path) -> dict[str, str]:
    from flows.recon import recon_flow

    out = base / "sample_out"
    recon_flow(inbox=ROOT / "data" / "sample" / "inbox", out=out, as_of=SAMPLE_AS_OF,
               warehouse=base / "sample.duckdb")
    return list_digests(out)


def synth_county(inbox: Path) -> None:
    from synth import generate
    from transforms.config import load_config

    generate(people=COUNTY_PEOPLE, seed=COUNTY_SEED, as_of=COUNTY_AS_OF, out=inbox,
             truth=inbox.with_name(inbox.name + ".truth"), config=load_config())


def run_county(base: Path) -> dict[str, str]:
    from flows.recon import recon_flow

    inbox = base / "county"
    synth_county(inbox)
    out = base / "county_out"
    recon_flow(inbox=inbox, out=out, as_of=COUNTY_AS_OF, warehouse=base / "county.duckdb")
    return list_digests(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="rewrite digests.json")
    args = parser.parse_args()
    from flows import settings  # noqa: F401

    with tempfile.TemporaryDirectory(prefix="golden-") as tmp:
        got = {"sample": run_sample(Path(tmp)), "county_50k": run_county(Path(tmp))}
    if args.update:
        DIGESTS.write_text(json.dumps(got, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(f"written: {DIGESTS}")
    else:
        want = json.loads(DIGESTS.read_text(encoding="utf-8"))
        for key, digests in got.items():
            for name, digest in digests.items():
                print(f"{key:<11} {name:<36} {'same' if want[key].get(name) == digest else 'DIFFERENT'}")


if __name__ == "__main__":
    main()
