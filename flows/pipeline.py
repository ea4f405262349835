"""One reconciliation run as plain steps, without Prefect (flows/recon.py wraps
each step as a Prefect task; `recon run` may run ingest before the API is up).

    with Reconciliation(request) as run:   # lock, leftovers cleaned, warehouse open
        for name in STEPS:
            getattr(run, name)()            # each returns a small summary dict

Order and guarantees (CONTRACT.md §2, docs/decisions.md "ops"):

- The warehouse is locked first (refused at once unless ``wait_seconds``).
- Outputs go to a staging folder beside ``out``; ``publish`` renames it into
  place after the last warehouse commit (the case registry, ``cases``), so a kill at any moment
  leaves the previous out folder, or the complete new one.
- Warehouse writes are explicit transactions inside each step (ingest, match,
  the case registry with the run history); the rest are tables every run rebuilds.
- Every run, refused and failed ones too, leaves one ``run`` line in the audit
  log beside the warehouse (``transforms.audit``), written on leaving the block.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import logging
import shutil
import time
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path

from flows import defaults, faults, outfolder, run_audit
from flows.lock import WarehouseBusy, warehouse_lock
from transforms.config import Config

log = logging.getLogger(__name__)
STEPS = ("ingest", "match", "rules", "cases", "export", "publish")


class StepFailed(RuntimeError):
    """A step raised; the message names the step and the cause (CONTRACT §2, exit 1)."""

    def __init__(self, step: str, cause: BaseException):
        self.step, self.cause = step, cause
        text = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
        super().__init__(f"step {step} failed: {type(cause).__name__}"
                         + (f": {text}" if text else ""))

    def __reduce__(self):  # Prefect may pickle exceptions between threads
        return (StepFailed, (self.step, self.cause))


@dataclass
class RunRequest:
    inbox: Path
    as_of: dt.date
    config: Config
    out: Path | None = None
    warehouse: Path = defaults.WAREHOUSE
    mask_ids: bool = True
    wait_seconds: float = 0
    publish_weekly: bool = False
    weekly_root: Path = defaults.WEEKLY
    command: str = "recon run"

    def __post_init__(self):
        self.inbox, self.warehouse = Path(self.inbox), Path(self.warehouse)
        self.out = Path(self.out) if self.out else defaults.out_for(self.as_of)

    def parameters(self) -> dict:
        return {"inbox": self.inbox, "out": self.out, "as_of": self.as_of,
                "warehouse": self.warehouse, "config": self.config.directory,
                "mask_ids": self.mask_ids, "wait_seconds": self.wait_seconds,
                "publish_weekly": self.publish_weekly}


def version() -> str:
    try:
        return package_version("pension-recon")
    except PackageNotFoundError:  # a source tree without installation
        return "0+unknown"


@dataclass
class Reconciliation:
    request: RunRequest
    timings: dict = field(default_factory=dict)
    summaries: dict = field(default_factory=dict)

    def __post_init__(self):
        self.con = None
        self.staging: Path | None = None
        self.current = "lock"
        self.ingested = None
        self.counts: dict[str, int] = {}
        self.outputs: list = []
        self.history: dict = {}
        self.skipped: list[dict] = []
        self.sharding = None  # flows/sharded.py: match and rules over a Dask cluster
        self._stack = contextlib.ExitStack()

    # -- entering and leaving -------------------------------------------------
    def __enter__(self):
        req = self.request
        self._stack.enter_context(faults.armed())
        try:
            self.holder = self._stack.enter_context(
                warehouse_lock(req.warehouse, req.wait_seconds, command=req.command))
            self.current = "prepare"
            from transforms import cpu_load

            cpu_load.mark()  # the export's worker check: what others used since now
            self.staging = outfolder.prepare(req.out)
            import duckdb

            self.con = duckdb.connect(str(req.warehouse), config={
                "memory_limit": req.config.operations.warehouse.memory_limit})
        except BaseException as exc:
            self._audit(exc)
            self._stack.close()
            raise
        faults.checkpoint("run", "start")
        return self

    def __exit__(self, kind, exc, tb) -> None:
        try:
            if self.con is not None:
                self.con.close()
            if exc is not None and self.staging is not None:
                shutil.rmtree(self.staging, ignore_errors=True)
            self._audit(exc)
        finally:
            self._stack.close()

    def _step(self, name: str):
        self.current = name
        faults.checkpoint(name, "start")
        return _Timed(self.timings, name)

    # -- the steps ------------------------------------------------------------
    def ingest(self) -> dict:
        from transforms.ingest import ingest, write_data_docs

        req = self.request
        with self._step("ingest"):
            self.ingested = ingest(self.con, req.inbox, req.config, req.as_of)
        with _Timed(self.timings, "data_docs"):
            write_data_docs(self.ingested, self.staging)
        result = self.ingested
        self.summaries["ingest"] = {
            "files": len(result.files), "rows": sum(f.accepted for f in result.files),
            "quarantined_rows": result.quarantined_rows,
            "quarantined_files": sum(1 for f in result.files if f.status != "ok"),
            "stale_files": [_stale(f, req.as_of) for f in sorted(result.files, key=lambda f: f.file)
                            if f.stale],
            "stale_after_days": req.config.policy.stale_extract_days}
        faults.checkpoint("ingest", "done")
        return self.summaries["ingest"]

    def match(self) -> dict:
        from transforms.cases import apply_match_decisions
        from transforms.match import match_all

        req = self.request
        with self._step("match"):
            counts = (self.sharding.match(self.con, req.config) if self.sharding else
                      match_all(self.con, req.config))
            decisions = apply_match_decisions(self.con, req.config, req.as_of)  # RULES §8 是/否
        links = sum(sum(c["links"].values()) for c in counts.values())
        review = sum(sum(c["review"].values()) for c in counts.values())
        self.summaries["match"] = {"links": links, "review": review, "decisions": decisions}
        faults.checkpoint("match", "done")
        return self.summaries["match"]

    def rules(self) -> dict:
        from transforms.rules import build_lists

        req = self.request
        with self._step("rules"):
            counts = (self.sharding.rules(self.con, req.config, req.as_of) if self.sharding
                      else build_lists(self.con, req.config, req.as_of))
        self.counts = {k: int(v) for k, v in (counts or {}).items()}
        self.summaries["rules"] = dict(self.counts)
        faults.checkpoint("rules", "done")
        return self.summaries["rules"]

    def export(self) -> dict:
        from transforms import progress
        from transforms.export import (
            prepare_lists,
            start_county_workbook,
            write_lists,
            write_progress_xlsx,
            write_report,
            write_township_workbooks,
        )

        req, config = self.request, self.request.config
        rate, tuning = config.policy.target_rate, config.operations.export
        with self._step("export"):
            # county.xlsx (and a share of the township workbooks) is written by a worker
            # process meanwhile (on a big county): it starts first, and writes each list
            # sheet as soon as its rows are rendered here
            with start_county_workbook(self.con, self.staging, config.county, req.as_of,
                                       mask_ids=req.mask_ids, target_rate=rate,
                                       worker_rows=tuning.worker_rows) as county:
                outputs = write_lists(self.con, self.staging, county=config.county)
                for entry in outputs:
                    progress.report("export", "list", name=entry.file, rows=entry.rows)
                # every list read and rendered once, for the township workbooks and
                # county.xlsx
                prepared = prepare_lists(self.con, config.county, req.mask_ids,
                                         sink=county.add_list)
                outputs += write_township_workbooks(
                    self.con, self.staging, config.county, req.as_of, mask_ids=req.mask_ids,
                    target_rate=rate, prepared=prepared, worker=county.worker,
                    worker_share=tuning.worker_share)
                faults.checkpoint("export", "workbooks_done")
                for entry in (write_progress_xlsx(self.con, self.staging, config.county,
                                                  req.as_of, target_rate=rate),
                              county.result(prepared)):
                    outputs.append(entry)
                    progress.report("export", "workbook", entry.file, rows=entry.rows)
            outputs.append(write_report(
                self.con, self.staging, config.county, req.as_of,
                {"timings": self.timings, "version": version()},
                target_rate=rate))
        self.outputs = outputs
        self.summaries["export"] = {"files": len(outputs)}
        faults.checkpoint("export", "done")
        return self.summaries["export"]

    def cases(self) -> dict:
        """RULES §8: case_id and case_status on every list, decisions applied. The case
        registry commits in its own transaction: the run's last warehouse write, before
        anything is exported (a kill after it reruns identically)."""
        from transforms.cases import update_cases

        req = self.request
        with self._step("cases"):
            cases = update_cases(self.con, req.config, req.as_of)
        self.counts.update({k: int(v) for k, v in cases["lists"].items()})  # decisions hold rows
        self.history = {"new_cases": cases["new_cases"], "case_statuses": cases["statuses"]}
        self.summaries["cases"] = dict(self.history)
        faults.checkpoint("cases", "done")
        return self.summaries["cases"]

    def publish(self) -> dict:
        from transforms.export import write_manifest

        req = self.request
        with self._step("publish"):
            from transforms.export.manifest import skipped_checks

            write_manifest(self.con, self.staging, req.as_of, version(), self.timings,
                           self.outputs)
            self.skipped = skipped_checks(self.con)
            faults.checkpoint("publish", "manifest")
            outfolder.publish(self.staging, req.out,
                              lambda what: faults.checkpoint("publish", what))
            self.staging = None
            faults.checkpoint("publish", "renamed")
            weekly = run_audit.publish_weekly(req) if req.publish_weekly else []
        self.summaries["publish"] = {"out": str(req.out), "weekly": weekly}
        faults.checkpoint("publish", "done")
        return self.summaries["publish"]

    def result(self) -> dict:
        cluster = {"cluster": self.sharding.cluster} if self.sharding else {}
        return {"out": str(self.request.out), "manifest": str(self.request.out / "manifest.json"),
                "as_of": self.request.as_of.isoformat(), "skipped_checks": self.skipped,
                "counts": self.counts, "timings": self.timings, **self.history,
                "summaries": self.summaries, **cluster}

    def _audit(self, exc: BaseException | None) -> None:
        run_audit.record(self, exc)


def _stale(file, as_of: dt.date) -> dict:
    """A stale extract for the summary: its date and age (the ingest's, when it gives one)."""
    age = getattr(file, "age_days", None)
    if age is None and file.extract_date is not None:
        age = (as_of - file.extract_date).days
    return {"file": file.file, "extract_date": file.extract_date and file.extract_date.isoformat(),
            "age_days": age, "extract_kind": getattr(file, "extract_kind", None)}


class _Timed:
    def __init__(self, timings: dict, name: str):
        self.timings, self.name = timings, name

    def __enter__(self):
        self.start = time.perf_counter()

    def __exit__(self, *exc):
        self.timings[self.name] = round(time.perf_counter() - self.start, 3)


def run_plain(request: RunRequest) -> dict:
    """One run without Prefect (tests of the steps; the flow does the same)."""
    with Reconciliation(request) as run:
        return run_steps(run)


def run_steps(run: Reconciliation, step=None) -> dict:
    """Run every step not done yet, turning an exception into ``StepFailed``."""
    for name in STEPS:
        if name in run.summaries:
            continue
        try:
            (step(name, getattr(run, name)) if step else getattr(run, name)())
        except (WarehouseBusy, StepFailed, KeyboardInterrupt):
            raise
        except Exception as exc:
            raise StepFailed(name, exc) from exc
    return run.result()


def today_in(config: Config) -> dt.date:
    """Today in the county's time zone (operations.yaml schedules.timezone)."""
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo(config.operations.schedules.timezone)).date()
