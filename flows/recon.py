"""The reconciliation as one Prefect flow, and its two served deployments.

Wiring only: the steps are ``flows.pipeline.Reconciliation``'s, each run as a
Prefect task so that the UI shows every step, its log line and its figures.
``recon run`` hands over a run it already opened (and possibly ingested, while
the temporary API was starting); a deployment run opens its own.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import logging
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE

from flows import (
    defaults,
    settings,  # noqa: F401  (offline settings before Prefect runs)
)
from flows.pipeline import Reconciliation, RunRequest, run_steps, today_in
from transforms.config import load_config

log = logging.getLogger(__name__)
_handed_over: dict[str, Reconciliation] = {}


@contextlib.contextmanager
def handing_over(run: Reconciliation):
    """Let the next ``recon_flow`` call on this warehouse continue ``run``."""
    key = str(run.request.warehouse.resolve())
    _handed_over[key] = run
    try:
        yield
    finally:
        _handed_over.pop(key, None)


def _as_task(name: str, fn):
    summary = task(fn, name=name, cache_policy=NONE, persist_result=False)()
    get_run_logger().info("%s: %s", name, summary)
    return summary


def _record_ingest(run: Reconciliation) -> None:
    """Ingest ran before the API was up: show it as a task with its figures."""
    _as_task("ingest", lambda: run.summaries["ingest"])


def _command() -> str:
    """What the audit line names: the deployment that started the run, if any."""
    from prefect.runtime import deployment

    return f"deployment pension-recon/{deployment.name}" if deployment.name else "flow pension-recon"


def _artifact(result: dict) -> None:
    from prefect.artifacts import create_table_artifact

    rows = [{"list": name, "rows": rows} for name, rows in sorted(result["counts"].items())]
    create_table_artifact(table=rows, key="recon-lists",
                          description=f"Rows per list, outputs in {result['out']}")


@flow(name="pension-recon", log_prints=False)
def recon_flow(inbox: Path = defaults.INBOX, as_of: dt.date | None = None,
               out: Path | None = None, warehouse: Path = defaults.WAREHOUSE,
               config_dir: Path = defaults.CONFIG_DIR, mask_ids: bool = True,
               publish_weekly: bool = False, wait_seconds: float = 0,
               exports: Path = defaults.EXPORTS) -> dict:
    """One reconciliation run: what `recon run`, the nightly and the weekly schedule start.

    Args:
        inbox: the inbox folder, one subfolder per source.
        as_of: the day of the run (YYYY-MM-DD); empty means today in the county's time zone.
        out: the output folder; empty means <exports>/<as_of>.
        warehouse: the DuckDB warehouse file.
        config_dir: the config folder (county, policy, sources, matching, operations).
        mask_ids: township workbooks show ID numbers masked (6 + 4 characters).
        publish_weekly: also publish the 进度表 under <exports>/weekly/<as_of>/.
        wait_seconds: how long to wait for a busy warehouse before giving up.
        exports: where outputs go when out is empty.
    """
    run = _handed_over.pop(str(Path(warehouse).resolve()), None)
    if run is not None:
        if "ingest" in run.summaries:
            _record_ingest(run)
        result = run_steps(run, step=_as_task)
    else:
        config = load_config(config_dir)
        day = as_of or today_in(config)
        request = RunRequest(inbox=inbox, as_of=day, config=config,
                             out=out or defaults.out_for(day, exports), warehouse=warehouse,
                             mask_ids=mask_ids, wait_seconds=wait_seconds,
                             publish_weekly=publish_weekly,
                             weekly_root=Path(exports) / defaults.WEEKLY.name,
                             command=_command())
        with Reconciliation(request) as run:
            result = run_steps(run, step=_as_task)
    with contextlib.suppress(Exception):  # an artifact is a view, never a reason to fail
        _artifact(result)
    return result


def deployments(config, *, inbox: Path, warehouse: Path, exports: Path):
    """The nightly and the weekly deployment (operations.yaml schedules), no API call."""
    from prefect.schedules import Cron

    ops = config.operations.schedules
    common = {"inbox": str(Path(inbox).resolve()), "warehouse": str(Path(warehouse).resolve()),
              "config_dir": str(Path(config.directory).resolve()),
              "exports": str(Path(exports).resolve()), "wait_seconds": ops.wait_seconds}
    nightly = recon_flow.to_deployment(
        name="nightly", schedules=[Cron(ops.nightly, timezone=ops.timezone)],
        parameters={**common, "publish_weekly": False},
        description="The nightly reconciliation (operations.yaml schedules.nightly).",
        tags=["nightly"])
    weekly = recon_flow.to_deployment(
        name="weekly", schedules=[Cron(ops.weekly, timezone=ops.timezone)],
        parameters={**common, "publish_weekly": True},
        description="The weekly reconciliation; also publishes the 进度表 under "
                    "data/exports/weekly/<date>/ (operations.yaml schedules.weekly).",
        tags=["weekly"])
    return nightly, weekly
