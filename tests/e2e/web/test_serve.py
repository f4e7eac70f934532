"""`casework web serve` runs the app under gunicorn; the demo part serves beside the recorder."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from web import demo

pytestmark = pytest.mark.sqlite_only


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_web_serve_under_gunicorn(tmp_path):
    env = {**os.environ, "CASEWORK_DATA_DIR": str(tmp_path)}
    env.pop("CASEWORK_DATABASE_URL", None)
    init = subprocess.run([sys.executable, "-m", "casework", "init"], env=env, capture_output=True,
                          text=True, timeout=300)
    assert init.returncode == 0, init.stderr
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "casework", "web", "serve", "--port", str(port),
                             "--workers", "1"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        answer, deadline = None, time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/sign-in", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.2)  # polling for the server to listen, not timing anything
        assert answer is not None and answer.status_code == 200, proc.stderr.read1().decode() if proc.poll() else ""
        assert "登录" in answer.text
        assert answer.headers.get("server") == "gunicorn"  # no version number
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_demo_part_serves_and_prints_the_sign_ins(web_world, monkeypatch):
    container, _ = web_world
    monkeypatch.setenv("CASEWORK_WEB_PORT", "0")
    lines = []
    server = demo.start(container, lines.append)
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        assert lines[0].startswith(f"web: {url}/") and "casework-demo" in lines[0]
        assert "clerk" in lines[1] and "unit1" in lines[2]
        assert httpx.get(f"{url}/healthz", timeout=10).json() == {"ok": True}
    finally:
        server.shutdown()


def test_the_demo_serves_until_interrupted_even_without_the_scheduler(tmp_path):
    """`casework demo` keeps its parts running until Ctrl-C, whichever part comes last; it
    stops on Ctrl-C even when its parent ignores SIGINT (as this test's parent may)."""
    env = {**os.environ, "CASEWORK_DATA_DIR": str(tmp_path), "CASEWORK_WEB_PORT": "0",
           "CASEWORK_DEMO_SCHEDULER": "0", "CASEWORK_DATABASE_URL": f"sqlite:///{tmp_path}/casework.db"}
    proc = subprocess.Popen([sys.executable, "-m", "casework", "demo"], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    lines = []
    try:
        for line in proc.stdout:  # reads until the demo says it is up (or ends)
            lines.append(line)
            if line.startswith("Ctrl-C stops the demo."):
                break
        url = next(line.split()[1] for line in lines if line.startswith("web: "))
        assert proc.poll() is None, "".join(lines)
        assert httpx.get(f"{url}healthz", timeout=10).json() == {"ok": True}
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0 and "stopping" in rest
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
