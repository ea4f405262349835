"""The `recon` command: run, serve, synth, check-config.

Exit codes (CONTRACT.md §2): 0 outputs written; 2 bad command line or
configuration; 3 the warehouse is busy; 1 any other failure (one line naming
the step and the cause; the traceback only with -v). Prefect is imported only
by the commands that use it, so `recon --help` stays fast.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import gc
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from flows import (
    defaults,
    settings,  # noqa: F401  (offline settings before Prefect is imported)
)
from flows.feedback_cli import feedback_app
from transforms.config import ConfigError, load_config

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  context_settings={"help_option_names": ["-h", "--help"]},
                  help="pension-recon: reconcile the resident pension ledger with "
                       "department extracts.")
app.add_typer(feedback_app, name="feedback")

ConfigDir = Annotated[Path, typer.Option(
    "--config", metavar="DIR", show_default=False,
    help="config folder (county, policy, sources, matching, operations)  "
         "[default: data/config]")]
# `recon run` collects young garbage every 10,000 net allocations, not 700: Python's
# default made ~7 full collections of the ~1.5 M objects Prefect, GX and pandas import
# (1.4-2.0 s of CPU a run); with this, none while those load (docs/decisions.md
# "prefect-cost"). Cycles still die young; only the start-up's walks go.
GC_THRESHOLDS = (10_000, 10, 10)
Verbose = Annotated[bool, typer.Option(
    "--verbose", "-v", help="show our debug lines and a traceback on failure")]


def _date(value: str | None, config=None) -> dt.date:
    if not value:
        from flows.pipeline import today_in

        return today_in(config) if config else dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"not a date (YYYY-MM-DD): {value}",
                                 param_hint="'--as-of'") from None


def _config(config_dir: Path):
    try:
        return load_config(config_dir)
    except ConfigError as exc:
        typer.echo(f"configuration error:\n{exc}", err=True)
        raise typer.Exit(2) from None


@app.command(no_args_is_help=False)
def run(
    inbox: Annotated[Path, typer.Option(metavar="DIR", help="inbox folder, one subfolder per source")]
    = defaults.INBOX,
    out: Annotated[Path | None, typer.Option(
        metavar="DIR", help="output folder  [default: data/exports/<as-of>]", show_default=False)] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", metavar="YYYY-MM-DD", help="day of the run, YYYY-MM-DD  [default: today, county time]",
        show_default=False)] = None,
    warehouse: Annotated[Path, typer.Option(metavar="FILE", help="DuckDB warehouse file")] = defaults.WAREHOUSE,
    wait: Annotated[float, typer.Option(
        "--wait", min=0, metavar="SECONDS",
        help="wait up to SECONDS for a busy warehouse (0: refuse at once, exit 3)")] = 0,
    config_dir: ConfigDir = defaults.CONFIG_DIR,
    unmasked: Annotated[bool, typer.Option(
        "--unmasked/--masked", help="full ID numbers in township workbooks")] = False,
    publish_weekly: Annotated[bool, typer.Option(
        "--publish-weekly/--no-publish-weekly",
        help="also publish the 进度表 under data/exports/weekly/<as-of>/ (the weekly "
             "schedule; for cron)")] = False,
    executor: Annotated[str, typer.Option(
        metavar="local|dask", help="local, or dask: match and rules sharded over a Dask "
                                   "cluster (docs/sharding.md)")] = "local",
    dask_address: Annotated[str | None, typer.Option(
        metavar="ADDR", help="an existing Dask scheduler, e.g. tcp://host:8786  "
                             "[default: a LocalCluster]", show_default=False)] = None,
    dask_workers: Annotated[int, typer.Option(
        min=1, metavar="N", help="worker processes of the LocalCluster")] = 2,
    verbose: Verbose = False,
) -> None:
    """Run the whole reconciliation once (the same flow the schedules run)."""
    from flows import console

    started = time.monotonic()
    gc.set_threshold(*GC_THRESHOLDS)
    console.setup_logging(verbose)
    config = _config(config_dir)
    day = _date(as_of, config)
    if executor not in ("local", "dask"):
        raise typer.BadParameter(f"local or dask, not {executor!r}", param_hint="'--executor'")
    if not inbox.is_dir():
        console.fail(f"inbox not found: {inbox} (--inbox)", 2)
    from flows.lock import WarehouseBusy
    from flows.pipeline import Reconciliation, RunRequest, StepFailed

    request = RunRequest(inbox=inbox, as_of=day, config=config, out=out, warehouse=warehouse,
                         mask_ids=not unmasked, wait_seconds=wait, publish_weekly=publish_weekly,
                         command=" ".join(["recon", *sys.argv[1:]]))
    console.err.print(f"对账开始：截至 {day}，收件箱 {inbox}，输出 {request.out}", markup=False)
    view = console.RunView()
    from transforms import progress

    api = None
    try:
        with progress.listening(view), view, Reconciliation(request) as recon:
            from flows.api import PrefectAPI

            api = PrefectAPI(config).start()  # after the lock: a refused run starts nothing
            recon.ingest()  # while the API is found or started; the flow records it
            try:
                server = api.url()
            except Exception as exc:
                raise StepFailed("prefect", exc) from exc
            if api.note:
                console.err.print(api.note, markup=False)
            from prefect.settings import temporary_settings

            from flows.recon import handing_over, recon_flow

            with (temporary_settings(_flow_settings(server, api.is_temporary)),
                  handing_over(recon), console.prefect_console_silenced()):
                if executor == "dask":
                    result = _run_sharded(recon, server, api.is_temporary,
                                          dask_address, dask_workers)
                else:
                    result = recon_flow(warehouse=request.warehouse)
    except WarehouseBusy as exc:
        console.fail(f"not run: {exc}. Try later, or use --wait SECONDS.", 3)
    except KeyboardInterrupt:
        console.fail("interrupted: nothing was published; the previous outputs are unchanged.",
                     130)
    except Exception as exc:  # noqa: BLE001  (one line; the traceback only with -v)
        if verbose:
            console.err.print_exception()
        message = str(exc) if isinstance(exc, StepFailed) else \
            f"step {getattr(locals().get('recon'), 'current', 'start')} failed: " \
            f"{type(exc).__name__}: {exc}"
        console.fail(f"failed: {message.splitlines()[0]} (run with -v for the traceback)", 1)
    finally:
        if api is not None:
            api.stop()
    console.summary(result, time.monotonic() - started)


def _flow_settings(url: str, temporary: bool) -> dict:
    """The API the flow reports to. With the temporary API, no flow-run heartbeats:
    nobody watches them (it stops with the run), and ending the heartbeat thread
    costs up to 1 s a run (it sleeps in 1 s steps)."""
    return {"api.url": url, **({"flows.heartbeat_frequency": None} if temporary else {})}


def _run_sharded(recon, api: str, temporary: bool, address: str | None, workers: int) -> dict:
    """The rest of the run with match and rules on a Dask cluster (flows/sharded.py);
    the console and the log name the cluster."""
    from flows import console, sharded
    from flows.pipeline import StepFailed

    with contextlib.ExitStack() as stack:
        recon.current = "dask"  # what the audit line of a failure names
        try:
            flow, cluster = stack.enter_context(sharded.on_cluster(
                recon, sharded.DaskOptions(address=address, workers=workers), api, temporary))
        except Exception as exc:  # no scheduler at the address, no worker came
            raise StepFailed("dask", exc) from exc
        console.err.print(sharded.describe(cluster), markup=False)
        return flow(warehouse=recon.request.warehouse)


@app.command()
def synth(
    people: Annotated[int, typer.Option(metavar="N", help="registered residents to generate")] = 480_000,
    seed: Annotated[int, typer.Option(metavar="N", help="random seed (same seed, same county)")] = 1,
    out: Annotated[Path, typer.Option(metavar="DIR", help="inbox folder to write")] = defaults.INBOX,
    truth: Annotated[Path | None, typer.Option(
        metavar="DIR", help="ground-truth folder  [default: <out>.truth]", show_default=False)] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", metavar="YYYY-MM-DD",
        help="as-of date of the county  [default: today, county time]", show_default=False)] = None,
    config_dir: ConfigDir = defaults.CONFIG_DIR,
) -> None:
    """Write a synthetic county's inbox (all 13 tables) and its ground truth."""
    from flows import console

    console.setup_logging(False)
    from synth import generate

    config = _config(config_dir)
    truth = truth or out.with_name(out.name + ".truth")
    counts = generate(people=people, seed=seed, as_of=_date(as_of, config), out=out,
                      truth=truth, config=config)
    typer.echo(f"inbox: {out}\nground truth: {truth}")
    typer.echo(f"  {counts}" if not isinstance(counts, dict) else
               "\n".join(f"  {k}: {v}" for k, v in counts.items() if not isinstance(v, dict)))


@app.command()
def serve(
    inbox: Annotated[Path, typer.Option(metavar="DIR", help="inbox folder the scheduled runs read")]
    = defaults.INBOX,
    warehouse: Annotated[Path, typer.Option(metavar="FILE", help="DuckDB warehouse file")]
    = defaults.WAREHOUSE,
    exports: Annotated[Path, typer.Option(
        metavar="DIR", help="scheduled runs write to EXPORTS/<date>/ (weekly: EXPORTS/weekly/<date>/)")]
    = defaults.EXPORTS,
    config_dir: ConfigDir = defaults.CONFIG_DIR,
    start_server: Annotated[bool, typer.Option(
        "--start-server/--no-start-server",
        help="start `prefect server start` on operations.yaml's host:port when none answers "
             "(make serve, the systemd unit)")] = False,
    verbose: Verbose = False,
) -> None:
    """Serve the nightly and weekly deployments (schedules in operations.yaml) on the
    Prefect server of PREFECT_API_URL (`make serve` starts one on 127.0.0.1:4200)."""
    from flows import console
    from flows.serving import serve_deployments

    console.setup_logging(verbose)
    config = _config(config_dir)
    code = serve_deployments(config, inbox=inbox, warehouse=warehouse, exports=exports,
                             start=start_server)
    raise typer.Exit(code)


@app.command("check-config")
def check_config(config_dir: ConfigDir = defaults.CONFIG_DIR) -> None:
    """Validate the config tree; errors name the file and the key."""
    config = _config(config_dir)
    typer.echo(f"ok: {config.county.name} ({config.county.code}), "
               f"{len(config.county.townships)} townships, {len(config.sources.tables)} tables")


def main() -> None:
    """Console entry point (`recon`): a bad option is one line and exit 2."""
    try:
        _main()
    finally:
        # the interpreter's last garbage collections walk every object Prefect, GX and
        # pandas loaded (1.4-2.6 s after a run, docs/decisions.md "prefect-cost"); the
        # process ends now, so they find nothing worth it: skip them
        gc.freeze()


def _main() -> None:
    usage_error = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")
    abort = typer.Abort
    try:
        code = app(standalone_mode=False)
    except usage_error as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # `recon` alone: the help
            typer.echo(exc.format_message())
            sys.exit(2)
        command = exc.ctx.command_path if getattr(exc, "ctx", None) else "recon"
        typer.echo(f"error: {exc.format_message()} (see `{command} --help`)", err=True)
        sys.exit(2)
    except abort:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
