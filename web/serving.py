"""Running the app: gunicorn for `casework web serve`, a threaded server for demo and tests."""
from __future__ import annotations

import math
import multiprocessing
import threading
from typing import Any

from gunicorn.app.base import BaseApplication
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server


class QuietHandler(WSGIRequestHandler):
    """No server version banner; requests are not logged line by line."""

    server_version = "casework"
    sys_version = ""

    def version_string(self) -> str:
        return "casework"

    def log_request(self, *args: Any) -> None:
        return None


def threaded_server(app, host: str = "127.0.0.1", port: int = 0) -> BaseWSGIServer:
    """A multi-threaded server bound now (port 0: an ephemeral port); call serve_forever()."""
    return make_server(host, port, app, threaded=True, request_handler=QuietHandler)


def serve_in_thread(app, host: str = "127.0.0.1", port: int = 0) -> tuple[BaseWSGIServer, str]:
    server = threaded_server(app, host, port)
    thread = threading.Thread(target=server.serve_forever, daemon=True, name="web")
    thread.start()
    return server, f"http://{host}:{server.server_port}"


class Gunicorn(BaseApplication):
    """gunicorn with options from the command line; each worker builds its own app."""

    def __init__(self, factory, options: dict[str, Any]) -> None:
        self.factory = factory
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.factory()


MAX_WORKER_SLOTS = 64


def even_connections() -> dict[str, Any]:
    """gunicorn hooks that keep the kept-alive connections spread evenly over the workers.

    A kept-alive connection stays with the worker that accepted it, and which worker wins an
    accept is not up to load: measured here, 16 busy clients split 11 to 5 or 14 to 2, and each
    worker, one Python process, serves its share on one core at a time, so the larger share
    waited three times as long. So each worker posts how many connections it holds (shared
    memory, set up before the fork), and one holding more than its share answers the request
    with "Connection: close"; the client's next request comes on a new connection, which
    the least busy worker tends to accept. A browser simply opens another connection."""
    held = multiprocessing.RawArray("i", MAX_WORKER_SLOTS)  # per worker slot, in the master, before the fork

    def post_fork(_server, worker) -> None:
        held[worker.age % MAX_WORKER_SLOTS] = 0  # a worker's age: its spawn number, set by the master

    def child_exit(_server, worker) -> None:  # in the master, however the worker ended
        held[worker.age % MAX_WORKER_SLOTS] = 0

    def pre_request(worker, req) -> None:
        mine = getattr(worker, "nr_conns", None)  # gthread workers count their connections
        if mine is None:
            return
        held[worker.age % MAX_WORKER_SLOTS] = mine
        if mine > math.ceil(sum(held) / worker.cfg.workers):
            req.force_close()

    return {"post_fork": post_fork, "child_exit": child_exit, "pre_request": pre_request}
