"""`recon serve`: the nightly and weekly deployments on a Prefect server.

With ``--start-server`` (what `make serve` and the systemd unit use) it first
starts ``prefect server start --host 127.0.0.1 --port 4200 --analytics-off``
(operations.yaml ``server``; its database under the project's Prefect home) as
a child process and waits for its health endpoint; a server already answering
there is used as it is. Ctrl-C and SIGTERM stop the runner, then the server,
with one line and no traceback.
"""
from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from flows.console import err

log = logging.getLogger(__name__)
HEALTH_TIMEOUT = 120


class Stop(Exception):
    """SIGTERM or SIGINT: leave serve() and stop the server."""


def api_url(config) -> str:
    server = config.operations.server
    return os.environ.get("PREFECT_API_URL") or f"http://{server.host}:{server.port}/api"


def healthy(url: str, timeout: float = 2) -> bool:
    import httpx

    try:
        return httpx.get(url.rstrip("/") + "/health", timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


def start_server(config) -> subprocess.Popen:
    server = config.operations.server
    prefect = Path(sys.executable).with_name("prefect")
    command = [str(prefect), "server", "start", "--host", server.host,
               "--port", str(server.port), "--analytics-off"]
    err.print(f"starting the Prefect server: {' '.join(command[1:])}", markup=False)
    # its own process group: a Ctrl-C in the terminal reaches us, and we stop it in order
    return subprocess.Popen(command, start_new_session=True)


def wait_healthy(url: str, process: subprocess.Popen | None) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT
    while not healthy(url):
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the Prefect server exited with code {process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the Prefect server at {url} did not answer within "
                               f"{HEALTH_TIMEOUT} s")
        time.sleep(0.5)


def stop_server(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _raise_stop(signum, _frame):
    raise Stop(signal.Signals(signum).name)


def serve_deployments(config, *, inbox: Path, warehouse: Path, exports: Path,
                      start: bool = False) -> int:
    """Serve both deployments until a signal; the exit code."""
    url = api_url(config)
    process = None
    previous = {s: signal.signal(s, _raise_stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        if not healthy(url):
            if not start:
                err.print(f"no Prefect server answers at {url}: start one with `make serve` "
                          "(or `recon serve --start-server`)", markup=False)
                return 2
            process = start_server(config)
            wait_healthy(url, process)
        os.environ["PREFECT_API_URL"] = url
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings({PREFECT_API_URL: url}):
            from prefect.runner import Runner

            from flows.recon import deployments

            nightly, weekly = deployments(config, inbox=inbox, warehouse=warehouse,
                                          exports=exports)
            ops = config.operations.schedules
            runner = Runner(name="pension-recon", limit=1, pause_on_shutdown=False)
            for deployment in (nightly, weekly):
                runner.add_deployment(deployment)
            ui = url.removesuffix("/api")
            err.print(f"serving deployments pension-recon/nightly ({ops.nightly}) and "
                      f"pension-recon/weekly ({ops.weekly}), {ops.timezone}; UI {ui}",
                      markup=False)
            import asyncio

            asyncio.run(runner.start())
        err.print("stopping: the runner has stopped", markup=False)
    except (Stop, KeyboardInterrupt, SystemExit) as exc:
        name = str(exc) if isinstance(exc, Stop) else type(exc).__name__
        err.print(f"stopping ({name}): the runner has stopped", markup=False)
    except RuntimeError as exc:
        err.print(f"serve failed: {exc}", markup=False)
        return 1
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if process is not None:
            stop_server(process)
            err.print("the Prefect server has stopped", markup=False)
    return 0
