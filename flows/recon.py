"""The nightly reconciliation as one Prefect flow: ingest, contracts, match,
rules, export. Wiring only; every step is a plain function in transforms/."""
from __future__ import annotations

import datetime as dt
import logging
import time
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path

import duckdb
from prefect import flow, task
from prefect.cache_policies import NONE

from flows import settings  # noqa: F401  (offline settings before Prefect runs)
from flows.lock import warehouse_lock
from transforms.cases import apply_match_decisions, update_cases
from transforms.config import DEFAULT_CONFIG_DIR, load_config
from transforms.export import write_lists, write_manifest, write_report, write_township_workbooks
from transforms.ingest import ingest, write_data_docs
from transforms.match import match_all
from transforms.rules import build_lists

log = logging.getLogger(__name__)
step = task(cache_policy=NONE, persist_result=False)


@contextmanager
def _timed(timings: dict, name: str):
    start = time.perf_counter()
    yield
    timings[name] = round(time.perf_counter() - start, 3)


@step
def ingest_step(con, inbox: Path, config, as_of: dt.date, out: Path, timings: dict):
    with _timed(timings, "ingest"):
        result = ingest(con, inbox, config, as_of)
    with _timed(timings, "data_docs"):
        write_data_docs(result, out)
    return result


@step
def match_step(con, config, as_of: dt.date, timings: dict) -> dict:
    with _timed(timings, "match"):
        counts = match_all(con, config)
        counts["decisions"] = apply_match_decisions(con, config, as_of)  # RULES §8 是/否
        return counts


@step
def rules_step(con, config, as_of: dt.date, timings: dict) -> dict:
    with _timed(timings, "rules"):
        return build_lists(con, config, as_of)


@step
def cases_step(con, config, as_of: dt.date, timings: dict) -> dict:
    """RULES §8: case_id and case_status on every list, decisions applied; commits the
    case registry in its own transaction before anything is exported."""
    with _timed(timings, "cases"):
        return update_cases(con, config, as_of)


@step
def export_step(con, out: Path, config, as_of: dt.date, mask_ids: bool, timings: dict):
    with _timed(timings, "export"):
        outputs = write_lists(con, out, county=config.county)
        outputs += write_township_workbooks(con, out, config.county, as_of, mask_ids=mask_ids,
                                            target_rate=config.policy.target_rate)
        outputs.append(write_report(con, out, config.county, as_of,
                                    {"timings": timings, "version": _version()},
                                    target_rate=config.policy.target_rate))
    return outputs


def _version() -> str:
    try:
        return package_version("pension-recon")
    except PackageNotFoundError:  # a source tree without installation
        return "0+unknown"


@flow(name="pension-recon", log_prints=False, validate_parameters=False)
def recon_flow(inbox: Path, out: Path, as_of: dt.date, warehouse: Path,
               config_dir: Path = DEFAULT_CONFIG_DIR, mask_ids: bool = True,
               executor: str = "local", shards: int = 1, shard_options: dict | None = None) -> dict:
    """One reconciliation run: the same flow the nightly schedule and `recon run` use.
    ``executor="dask"`` (flows/sharded.py) shards match and rules over the task runner."""
    config = load_config(config_dir)
    out.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    with warehouse_lock(warehouse):
        con = duckdb.connect(str(warehouse))
        try:
            ingest_step(con, inbox, config, as_of, out, timings)
            if executor == "dask":
                from flows import sharded

                opts = shard_options or {}
                sharded.match_sharded(con, config, config_dir, as_of, out, shards, opts, timings)
                counts = sharded.rules_sharded(con, config, config_dir, as_of, out, shards,
                                               opts, timings)
            else:
                match_step(con, config, as_of, timings)
                counts = rules_step(con, config, as_of, timings)
            cases = cases_step(con, config, as_of, timings)
            counts.update(cases["lists"])  # decisions hold some rows off
            outputs = export_step(con, out, config, as_of, mask_ids, timings)
            manifest = write_manifest(con, out, as_of, _version(), timings, outputs)
        finally:
            con.close()
    log.info("outputs in %s", out)
    return {"out": str(out), "manifest": str(manifest), "counts": counts, "timings": timings,
            "new_cases": cases["new_cases"], "case_statuses": cases["statuses"]}


@flow(name="pension-recon-nightly", validate_parameters=False)
def nightly(inbox: str, warehouse: str, config_dir: str = str(DEFAULT_CONFIG_DIR),
            exports: str = "data/exports") -> dict:
    """The scheduled entry point: today's date, outputs under exports/<date>/."""
    today = dt.date.today()
    return recon_flow(inbox=Path(inbox), out=Path(exports) / today.isoformat(), as_of=today,
                      warehouse=Path(warehouse), config_dir=Path(config_dir))
