"""The `recon` command: run, synth, serve (nightly schedule), check-config."""
from __future__ import annotations

import datetime as dt
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from flows import settings  # noqa: F401  (offline settings before Prefect is imported)
from flows.feedback_cli import feedback_app
from transforms.config import DEFAULT_CONFIG_DIR, ConfigError, load_config

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="pension-recon: reconcile the resident pension ledger with department extracts.")

app.add_typer(feedback_app, name="feedback")

ConfigDir = Annotated[Path, typer.Option("--config", help="config folder (county, policy, sources)")]


def _date(value: str | None) -> dt.date:
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"not a date (YYYY-MM-DD): {value}") from None


def _config(config_dir: Path):
    try:
        return load_config(config_dir)
    except ConfigError as exc:
        typer.echo(f"configuration error:\n{exc}", err=True)
        raise typer.Exit(2) from None


def _logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    for noisy in ("prefect", "httpx", "great_expectations", "asyncio", "uvicorn", "docket",
                  "distributed", "prefect_dask"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


@app.command()
def run(
    inbox: Annotated[Path, typer.Option(help="inbox folder, one subfolder per source")] = Path("data/inbox"),
    out: Annotated[Path | None, typer.Option(help="output folder [default: data/exports/<as-of>]")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD [default: today]")] = None,
    warehouse: Annotated[Path, typer.Option(help="DuckDB warehouse file")] = Path("data/warehouse/recon.duckdb"),
    config_dir: ConfigDir = DEFAULT_CONFIG_DIR,
    unmasked: Annotated[bool, typer.Option("--unmasked", help="full ID numbers in township workbooks")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
    executor: Annotated[str, typer.Option(help="local, or dask: sharded over a Dask cluster")] = "local",
    dask_address: Annotated[str | None, typer.Option(help="existing Dask scheduler, e.g. tcp://host:8786")] = None,
    dask_workers: Annotated[int, typer.Option(min=1, help="LocalCluster worker processes")] = 2,
) -> None:
    """Run the whole reconciliation once (the same flow the nightly schedule runs)."""
    _logging(verbose)
    day = _date(as_of)
    _config(config_dir)  # fail fast, naming file and key
    if not inbox.is_dir():
        typer.echo(f"inbox not found: {inbox}", err=True)
        raise typer.Exit(2)
    out = out or Path("data/exports") / day.isoformat()
    if executor not in ("local", "dask"):
        raise typer.BadParameter(f"--executor must be local or dask, not {executor!r}")
    from flows.lock import WarehouseBusy
    from flows.recon import recon_flow
    from flows.sharded import DaskOptions, ShardFailed
    from flows.sharded import run as run_sharded

    args = {"inbox": inbox, "out": out, "as_of": day, "warehouse": warehouse,
            "config_dir": config_dir, "mask_ids": not unmasked}
    try:
        if executor == "dask":
            result = run_sharded(DaskOptions(address=dask_address, workers=dask_workers), **args)
        else:
            result = recon_flow(**args)
    except WarehouseBusy as exc:
        typer.echo(f"not run: {exc}", err=True)
        raise typer.Exit(3) from None
    except ShardFailed as exc:
        typer.echo(f"run failed: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"outputs: {result['out']}")
    for name, rows in sorted(result["counts"].items()):
        typer.echo(f"  {name:<28} {rows:>8}")
    typer.echo(f"  {'new cases since earlier runs':<28} {result['new_cases']:>8}")


@app.command()
def synth(
    people: Annotated[int, typer.Option(help="registered residents to generate")] = 480_000,
    seed: Annotated[int, typer.Option()] = 1,
    out: Annotated[Path, typer.Option(help="inbox folder to write")] = Path("data/inbox"),
    truth: Annotated[Path | None, typer.Option(help="ground-truth folder [default: <out>.truth]")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD [default: today]")] = None,
    config_dir: ConfigDir = DEFAULT_CONFIG_DIR,
) -> None:
    """Write a synthetic county's inbox (all 13 tables) and its ground truth."""
    _logging(False)
    from synth import generate

    truth = truth or out.with_name(out.name + ".truth")
    counts = generate(people=people, seed=seed, as_of=_date(as_of), out=out, truth=truth,
                      config=_config(config_dir))
    typer.echo(f"inbox: {out}\nground truth: {truth}")
    typer.echo(f"  {counts}" if not isinstance(counts, dict) else
               "\n".join(f"  {k}: {v}" for k, v in counts.items() if not isinstance(v, dict)))


def nightly_deployment(cron: str, timezone: str, inbox: Path, warehouse: Path, config_dir: Path):
    """The nightly flow as a Prefect deployment on a cron schedule in the county's time zone."""
    from prefect.schedules import Cron

    from flows.recon import nightly

    return nightly.to_deployment(
        name="nightly", schedules=[Cron(cron, timezone=timezone)],
        parameters={"inbox": str(inbox.resolve()), "warehouse": str(warehouse.resolve()),
                    "config_dir": str(config_dir.resolve())})


@app.command()
def serve(
    cron: Annotated[str, typer.Option(help="schedule, cron syntax")] = "30 1 * * *",
    timezone: Annotated[str, typer.Option(help="time zone of the schedule")] = "Asia/Shanghai",
    inbox: Annotated[Path, typer.Option()] = Path("data/inbox"),
    warehouse: Annotated[Path, typer.Option()] = Path("data/warehouse/recon.duckdb"),
    config_dir: ConfigDir = DEFAULT_CONFIG_DIR,
) -> None:
    """Serve the flow on a nightly schedule (a local Prefect server is optional)."""
    from prefect import serve as prefect_serve

    _config(config_dir)
    prefect_serve(nightly_deployment(cron, timezone, inbox, warehouse, config_dir))


@app.command("check-config")
def check_config(config_dir: ConfigDir = DEFAULT_CONFIG_DIR) -> None:
    """Validate the config tree; errors name the file and the key."""
    config = _config(config_dir)
    typer.echo(f"ok: {config.county.name} ({config.county.code}), "
               f"{len(config.county.townships)} townships, {len(config.sources.tables)} tables")


if __name__ == "__main__":
    app()
