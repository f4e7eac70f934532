"""`casework demo` part: the web doors beside the recorder, with the demo sign-ins printed."""
from __future__ import annotations

import os
import threading

from casework.install.demo import DEMO_PASSWORD, STAFF, UNITS
from web.app import create_app
from web.serving import threaded_server


def start(container, echo=print):
    """Serve the web doors in the background and print the sign-ins; returns the server
    (`shutdown()` stops it)."""
    app = create_app(container)
    host = os.environ.get("CASEWORK_WEB_HOST", "127.0.0.1")
    server = threaded_server(app, host, int(os.environ.get("CASEWORK_WEB_PORT", "8000")))
    echo(f"web: http://{host}:{server.server_port}/  (sign in with password {DEMO_PASSWORD!r})")
    echo("  staff: " + ", ".join(f"{u} ({'/'.join(r)})" for u, _n, r in STAFF))
    echo("  units: " + ", ".join(f"unit{i}" for i in range(1, len(UNITS) + 1)))
    threading.Thread(target=server.serve_forever, daemon=True, name="web").start()
    return server
