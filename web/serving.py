"""Running the app: gunicorn for `casework web serve`, a threaded server for demo and tests."""
from __future__ import annotations

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
