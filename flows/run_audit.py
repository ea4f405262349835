"""What a run leaves besides its out folder: its audit line (CONTRACT.md §2, every
run, refused and failed ones too) and, for the weekly deployment, the 进度表
published under data/exports/weekly/<as-of>/ with its own ``export`` line."""
from __future__ import annotations

import logging
import shutil
from pathlib import Path

from flows import defaults
from flows.lock import WarehouseBusy
from transforms.audit import append_event

log = logging.getLogger(__name__)
WEEKLY_FILES = ("progress.xlsx", "progress.csv")


def outcome_of(exc: BaseException | None) -> tuple[str, int]:
    if exc is None:
        return "ok", 0
    if isinstance(exc, WarehouseBusy):
        return "refused", 3
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted", 130
    return "failed", 1


def record(run, exc: BaseException | None) -> None:
    """Append the ``run`` line of a Reconciliation that is leaving its block."""
    req = run.request
    outcome, code = outcome_of(exc)
    inputs = [{"file": f.file, "sha256": f.sha256, "read": f.read, "accepted": f.accepted,
               "quarantined": f.quarantined, "duplicates": f.duplicates}
              for f in (run.ingested.files if run.ingested else [])]
    outputs = [{"file": o.file, "sha256": o.sha256, "rows": o.rows} for o in run.outputs]
    townships = {Path(o.file).stem: o.rows for o in run.outputs
                 if o.file.startswith("townships/")}
    fields = {"outcome": outcome, "exit_code": code, "inputs": inputs, "outputs": outputs,
              "townships": townships, "counts": run.counts, "published": outcome == "ok"}
    if getattr(run, "sharding", None) is not None:  # --executor dask: the cluster it used
        fields["executor"], fields["cluster"] = "dask", run.sharding.cluster
    if exc is not None:
        fields["step"] = run.current
        fields["error"] = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    try:
        append_event(req.warehouse, "run", req.command, req.parameters(),
                     retention_days=req.config.operations.audit.retention_days, **fields)
    except OSError as audit_exc:  # never hide the run's own outcome behind the audit's
        log.error("audit log not written: %s", audit_exc)


def publish_weekly(req) -> list[str]:
    """Copy the 进度表 of a published run to data/exports/weekly/<as-of>/."""
    from transforms.export.files import sha256_of

    target = defaults.weekly_for(req.as_of, req.weekly_root)
    target.mkdir(parents=True, exist_ok=True)
    published = []
    for name in WEEKLY_FILES:
        source = req.out / name
        if not source.is_file():
            log.warning("weekly: %s not written by this run; not published", name)
            continue
        tmp = target / f".{name}.tmp"
        shutil.copyfile(source, tmp)
        tmp.replace(target / name)
        published.append(str(target / name))
    append_event(req.warehouse, "export", "weekly progress", {"as_of": req.as_of},
                 retention_days=req.config.operations.audit.retention_days,
                 outputs=[{"file": p, "sha256": sha256_of(Path(p)), "rows": None}
                          for p in published])
    return published
