"""`recon feedback import FILE...`: the townships' returned workbooks (CONTRACT §2, §4).

Takes the warehouse lock like a run (busy: exit 3), records every answer with its
provenance, prints a Chinese summary per township, and appends one audit line per
import with each decision taken or rejected. Exit 0 when every file was read, 2 when a
file was rejected whole (no workbook of ours, too big, a zip bomb, unreadable) or the
command line or configuration is wrong.
"""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flows import defaults
from transforms.config import ConfigError, load_config

feedback_app = typer.Typer(add_completion=False, no_args_is_help=True,
                           help="Townships' returned workbooks (核查结果).")


@feedback_app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(metavar="FILE...",
                                                help="returned township workbooks (.xlsx)")],
    warehouse: Annotated[Path, typer.Option(metavar="FILE", help="DuckDB warehouse file")] =
        defaults.WAREHOUSE,
    config_dir: Annotated[Path, typer.Option(
        "--config", metavar="DIR", show_default=False,
        help="config folder  [default: data/config]")] = defaults.CONFIG_DIR,
) -> None:
    """Record the 核查结果 of returned township workbooks; they act from the next run."""
    import duckdb

    from flows.lock import WarehouseBusy, warehouse_lock
    from transforms.audit import append_event
    from transforms.feedback import import_file, summary_lines

    try:
        config = load_config(config_dir)
    except ConfigError as exc:
        typer.echo(f"configuration error:\n{exc}", err=True)
        raise typer.Exit(2) from None
    if not warehouse.exists():
        typer.echo(f"warehouse not found: {warehouse} (run `recon run` first)", err=True)
        raise typer.Exit(2)
    limits = config.operations.feedback
    try:
        with warehouse_lock(warehouse, wait_seconds=0):
            con = duckdb.connect(str(warehouse))
            try:
                results = [import_file(con, f, max_file_bytes=limits.max_file_bytes,
                                       max_unzipped_bytes=limits.max_unzipped_bytes)
                           for f in files]
            finally:
                con.close()
    except WarehouseBusy as exc:
        typer.echo(f"not imported: {exc}", err=True)
        raise typer.Exit(3) from None
    append_event(warehouse, "import", "recon feedback import",
                 {"files": [str(f) for f in files], "warehouse": str(warehouse)},
                 retention_days=config.operations.audit.retention_days,
                 files=[r.as_audit() for r in results],
                 decisions=[{**d, "file": Path(r.file).name, "township": r.township}
                            for r in results for d in r.decided],
                 rejected=[{**d, "file": Path(r.file).name, "township": r.township}
                           for r in results for d in r.rejected]
                 + [{"file": Path(r.file).name, "reason": r.rejected_whole[0],
                     "message": r.rejected_whole[1]} for r in results if r.rejected_whole])
    for line in summary_lines(results):
        typer.echo(line)
    if any(r.rejected_whole for r in results):
        raise typer.Exit(2)
