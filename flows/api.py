"""The Prefect API a `recon run` reports to, found or started while ingest runs (issue #8).

Order (docs/decisions.md "prefect-cost"):

1. PREFECT_API_URL (the environment, or Prefect's settings when Prefect is already
   loaded) when it answers; else the server `make serve` runs (operations.yaml
   ``server``) when it answers;
2. else Prefect's temporary API: the same uvicorn process Prefect's own
   ``SubprocessASGIServer`` runs (``prefect.server.api.server:create_app``, ephemeral,
   no UI; flows/api_server.py), started at once with ``subprocess.Popen``. The parent never imports the
   server package (~1.3 s of CPU alone, 3-4 s while ingest and GX load): the child
   boots while this process imports the Prefect client and ingests;
3. a PREFECT_API_URL set only in Prefect's profile is read once Prefect is loaded;
   when it answers, the temporary API is stopped and that server is used.

``PrefectAPI.stop`` drains Prefect's log and event workers before it stops the
temporary server (its data is in PREFECT_HOME's database, which a later
`prefect server start` shows), waits for it to exit, and runs again at exit.
"""
from __future__ import annotations

import atexit
import contextlib
import importlib.util
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from flows import settings  # noqa: F401  (offline settings before Prefect is imported)

# what SubprocessASGIServer sets for its child: no UI, ephemeral services, last app
CHILD_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
             "PREFECT__SERVER_FINAL": "1"}
STARTS = 3  # a port taken between our check and the child's bind: start again


def answers(host: str, port: int, timeout: float) -> bool:
    """Something listens there (a refused connection costs no HTTP client import)."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def healthy(url: str, timeout: float = 2) -> bool:
    import httpx

    try:
        return httpx.get(url.rstrip("/") + "/health", timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


def explicit_url() -> str:
    """PREFECT_API_URL as the environment, or Prefect when already loaded, names it."""
    url = (os.environ.get("PREFECT_API_URL") or "").strip()
    if not url and "prefect.settings" in sys.modules:
        from prefect.settings import PREFECT_API_URL

        url = (PREFECT_API_URL.value() or "").strip()
    return url


def registered_blocks_env(environ=os.environ) -> dict:
    """Skip the block-type registration of a database that already had it.

    At every start the server imports every installed Prefect collection (prefect-dask,
    hence distributed and tornado) only to hash them against memo_store.toml: ~0.3 s of
    CPU of the child's ~2.6 s. When the default database under PREFECT_HOME exists and
    its memo records a registration, the temporary API skips it; a new database (or
    another database URL) registers as Prefect does. A Prefect upgrade's new block
    types reach the database at the next `prefect server start` (make serve)."""
    home = environ.get("PREFECT_HOME")
    if not home or environ.get("PREFECT_API_DATABASE_CONNECTION_URL"):
        return {}
    memo = Path(environ.get("PREFECT_MEMO_STORE_PATH") or Path(home) / "memo_store.toml")
    try:
        done = (Path(home) / "prefect.db").is_file() and \
            "block_auto_registration" in memo.read_text(encoding="utf-8")
    except OSError:
        return {}
    return {"PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION": "false",
            "PREFECT_API_BLOCKS_REGISTER_ON_START": "false"} if done else {}


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TemporaryServer:
    """Prefect's temporary API in a child process (what SubprocessASGIServer starts)."""

    def __init__(self):
        self.process: subprocess.Popen | None = None
        self.port: int | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def launch(self) -> None:
        spec = importlib.util.find_spec("prefect")  # its folder, without importing it
        app_dir = Path(next(iter(spec.submodule_search_locations))).parent
        env = {**os.environ, **CHILD_ENV}
        if "prefect.settings" in sys.modules:  # settings a test or caller set in context
            from prefect.settings import get_current_settings

            env.update(get_current_settings().to_environment_variables(exclude_unset=True))
            env.update(CHILD_ENV)
        env.pop("PREFECT_API_URL", None)
        env.update(registered_blocks_env(env))
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flows.api_server", "--app-dir", str(app_dir), "--factory",
             "prefect.server.api.server:create_app", "--host", "127.0.0.1",
             "--port", str(self.port), "--log-level", "error", "--lifespan", "on"],
            env=env, stdin=subprocess.DEVNULL)
        atexit.register(self.stop)

    def wait(self, timeout: float) -> str:
        """Block until the API answers; start again on another port if the child died."""
        import httpx

        deadline = time.monotonic() + timeout
        starts = 1
        with httpx.Client() as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    if starts >= STARTS:
                        break
                    starts += 1
                    self.launch()
                    continue
                try:
                    if client.get(self.api_url + "/health", timeout=2).status_code == 200:
                        return self.api_url
                except httpx.HTTPError:
                    pass
                time.sleep(0.05)
        code = self.process.poll()
        self.stop()
        raise RuntimeError("the temporary Prefect API did not start within "
                           f"{timeout:.0f} s" + (f" (it exited with code {code})"
                                                  if code is not None else ""))

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class PrefectAPI:
    """Finds or starts the API in a background thread; ``url()`` joins it."""

    def __init__(self, config):
        self.config = config
        self.temporary: TemporaryServer | None = None
        self.note: str | None = None
        self._url: str | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._resolve, name="prefect-api", daemon=True)

    def start(self) -> PrefectAPI:
        self._thread.start()
        return self

    @property
    def is_temporary(self) -> bool:
        return self.temporary is not None

    def _resolve(self) -> None:
        try:
            self._url = self._find()
        except BaseException as exc:  # noqa: BLE001  (raised by url(), in the main thread)
            self._error = exc

    def _find(self) -> str:
        url = explicit_url()
        if url:
            if healthy(url, timeout=3):
                return url
            self.note = (f"Prefect server {url} does not answer; running with a temporary "
                         "API (this run will not show in its UI)")
        else:
            server = self.config.operations.server
            local = f"http://{server.host}:{server.port}/api"
            if answers(server.host, server.port, 0.5) and healthy(local, timeout=0.5):
                return local
        self.temporary = TemporaryServer()
        self.temporary.launch()
        # meanwhile: the Prefect client the flow needs (and its profile's settings)
        from prefect.settings import (
            PREFECT_API_URL,
            PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
        )

        import flows.recon  # noqa: F401  (the flow, the task engine)

        profile = (PREFECT_API_URL.value() or "").strip()
        if not url and profile and healthy(profile, timeout=3):
            self.stop()
            return profile
        return self.temporary.wait(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value())

    def url(self) -> str:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._url

    def stop(self) -> None:
        """Stop the temporary API once Prefect has sent it what it holds."""
        if self.temporary is None:
            return
        if self._url is not None:
            drain_prefect_workers()
        self.temporary.stop()
        self.temporary = None


def drain_prefect_workers(timeout: float = 10) -> None:
    """Send the log lines and events Prefect still holds (Prefect drains them at exit
    too; the temporary API is stopped before that)."""
    if "prefect.logging.handlers" not in sys.modules:
        return
    with contextlib.suppress(Exception):
        from prefect.logging.handlers import APILogWorker

        APILogWorker.drain_all(timeout=timeout, at_exit=False)
    with contextlib.suppress(Exception):
        from prefect.events.worker import EventsWorker

        EventsWorker.drain_all(timeout=timeout, at_exit=False)
