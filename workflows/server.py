"""The Prefect server: connect to PREFECT_API_URL, or start a local one (127.0.0.1, analytics off).

Offline bureaus: `PREFECT_SERVER_ANALYTICS_ENABLED=false` and `DO_NOT_TRACK=1` stop every
connection beyond 127.0.0.1. The local server keeps its database in PREFECT_HOME (SQLite)
unless given a PostgreSQL URL — use PostgreSQL for concurrent flows (SQLite gives
`database is locked`).
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from casework.errors import CaseworkError

QUIET = {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
START_TIMEOUT_S = float(os.environ.get("CASEWORK_PREFECT_START_TIMEOUT_S", "180"))
CONNECT_TIMEOUT_S = float(os.environ.get("CASEWORK_PREFECT_CONNECT_TIMEOUT_S", "30"))


class ServerUnavailable(CaseworkError):
    """The Prefect server did not answer."""

    status = 503


def quiet_environment(env: dict | None = None) -> dict:
    """Analytics off in `env` (default: this process), keeping what the operator set."""
    target = os.environ if env is None else env
    for key, value in QUIET.items():
        target.setdefault(key, value)
    return target


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def async_url(database_url: str) -> str:
    """Prefect's server wants an async driver: postgresql://… -> postgresql+asyncpg://…"""
    for prefix in ("postgresql+psycopg://", "postgresql://"):
        if database_url.startswith(prefix):
            return "postgresql+asyncpg://" + database_url[len(prefix):]
    return database_url


@dataclass
class Server:
    """A Prefect API the scheduler talks to; `process` is set when we started it."""

    api_url: str
    process: subprocess.Popen | None = None

    @property
    def ui_url(self) -> str:
        return self.api_url.removesuffix("/api")

    def stop(self, timeout: float = 30) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout)


def healthy(api_url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=timeout) as resp:
            return resp.status == 200 and json.loads(resp.read() or b"true") is True
    except (OSError, urllib.error.URLError, ValueError):
        return False


def wait_healthy(api_url: str, process: subprocess.Popen | None = None,
                 timeout: float = START_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if healthy(api_url):
            return
        if process is not None and process.poll() is not None:
            raise ServerUnavailable(f"Prefect 服务器启动失败（退出码 {process.returncode}）/ "
                                    f"the Prefect server exited with {process.returncode}")
        time.sleep(0.5)
    raise ServerUnavailable(f"Prefect 服务器无响应 / no Prefect server answers at {api_url}")


def start_server(home: Path, *, port: int | None = None, database_url: str | None = None,
                 log: Path | None = None) -> Server:
    """Start `prefect server start` on 127.0.0.1 (port 0: a free one) and wait until healthy."""
    port = port or free_port()
    home.mkdir(parents=True, exist_ok=True)
    env = quiet_environment(dict(os.environ))
    env.pop("PREFECT_API_URL", None)
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_API_HOST="127.0.0.1",
               PREFECT_SERVER_API_PORT=str(port))
    if database_url:
        env["PREFECT_SERVER_DATABASE_CONNECTION_URL"] = async_url(database_url)
    out = open(log or home / "server.log", "ab")
    process = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                                "--port", str(port), "--analytics-off"],
                               env=env, stdout=out, stderr=subprocess.STDOUT)
    out.close()
    server = Server(f"http://127.0.0.1:{port}/api", process)
    try:
        wait_healthy(server.api_url, process)
    except BaseException:  # never healthy, or stopped (Ctrl-C, SIGTERM) while starting: no orphan
        server.stop()
        raise
    return server


def connect_or_start(home: Path, *, port: int | None = None, database_url: str | None = None) -> Server:
    """PREFECT_API_URL when set (a shared server), else a local server of our own."""
    quiet_environment()
    url = os.environ.get("PREFECT_API_URL")
    if url:
        wait_healthy(url.rstrip("/"), timeout=CONNECT_TIMEOUT_S)
        return Server(url.rstrip("/"))
    server = start_server(home, port=port, database_url=database_url)
    os.environ["PREFECT_API_URL"] = server.api_url  # our flow-run subprocesses inherit it
    return server
