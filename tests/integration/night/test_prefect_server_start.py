"""A scheduler stopped while its Prefect server is still starting leaves no server behind (the
demo's Ctrl-C during its first seconds used to orphan `prefect server start`)."""
from __future__ import annotations

import pytest

from workflows import server as prefect_server


def test_an_interrupt_while_the_server_starts_stops_the_server(tmp_path, monkeypatch):
    started = []

    def interrupted(_url, process=None, timeout=0):
        started.append(process)
        raise KeyboardInterrupt  # Ctrl-C, or the demo's SIGTERM turned into one

    monkeypatch.setattr(prefect_server, "wait_healthy", interrupted)
    with pytest.raises(KeyboardInterrupt):
        prefect_server.start_server(tmp_path / "prefect")
    assert started and started[0].poll() is not None  # the real `prefect server start` has exited
