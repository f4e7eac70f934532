"""`casework web serve` runs the app under gunicorn; the demo part serves beside the recorder."""
from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest

from web import demo

pytestmark = pytest.mark.sqlite_only


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(data_dir, *options: str, output=subprocess.PIPE) -> tuple[subprocess.Popen, int]:
    """`casework web serve` on a fresh SQLite install in `data_dir`, on a free port."""
    env = {**os.environ, "CASEWORK_DATA_DIR": str(data_dir)}
    env.pop("CASEWORK_DATABASE_URL", None)
    init = subprocess.run([sys.executable, "-m", "casework", "init"], env=env, capture_output=True,
                          text=True, timeout=300)
    assert init.returncode == 0, init.stderr
    port = _free_port()
    return subprocess.Popen([sys.executable, "-m", "casework", "web", "serve", "--port", str(port), *options],
                            env=env, stdout=output, stderr=output), port


def test_web_serve_under_gunicorn(tmp_path):
    proc, port = _serve(tmp_path, "--workers", "1")
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


def _connections_per_worker(master: int, port: int) -> list[int]:
    """Established connections to `port` held by each of the master's workers (from /proc)."""
    established = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            next(lines)
            for line in lines:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                    established.add(fields[9])  # the socket's inode
    with open(f"/proc/{master}/task/{master}/children") as children:
        workers = children.read().split()
    held = []
    for pid in workers:
        fds = os.listdir(f"/proc/{pid}/fd")
        links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in fds if os.path.exists(f"/proc/{pid}/fd/{fd}")]
        held.append(sum(1 for link in links if link.startswith("socket:[") and link[8:-1] in established))
    return held


def test_web_serve_keeps_busy_connections_even_between_workers(tmp_path):
    """Kept-alive connections stay with the worker that accepted them; a worker holding more
    than its share asks the client to reconnect (web.serving.even_connections), so twelve busy
    clients end up six and six, not as the accepts happened to fall."""
    proc, port = _serve(tmp_path, "--workers", "2", "--threads", "4", output=subprocess.DEVNULL)
    clients = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.2)  # polling for the server to listen, not timing anything
        clients = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(12)]

        def work(conn: http.client.HTTPConnection) -> None:
            for _ in range(60):
                conn.request("GET", "/sign-in")
                answer = conn.getresponse()
                answer.read()
                assert answer.status == 200  # after "Connection: close" the next request reconnects

        threads = [threading.Thread(target=work, args=(conn,)) for conn in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for conn in clients:  # one more round, so every client holds a connection at the end
            conn.request("GET", "/healthz")
            conn.getresponse().read()
        held = _connections_per_worker(proc.pid, port)
        assert len(held) == 2 and sum(held) >= 10, held
        assert max(held) <= 7, held  # six each, give or take one in flight
    finally:
        for conn in clients:
            conn.close()
        proc.terminate()
        proc.wait(timeout=30)
