"""Recorder fixtures (a pytest plugin): `record` a clip as a camera, `recorder_cli`, `real_clock`.

Load with `pytest_plugins = ["tests.recorder_fixtures"]`; never import this module directly.
"""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from casework import clock as clock_module
from casework.cli import main
from recorder.dev.synthetic import Scene
from tests.integration.operators import add_user, sign_in
from tests.recorder_helpers import record_clip


@pytest.fixture
def real_clock(clock):
    """The real clock installed for the test: live streams and the demo run on real time."""
    previous = clock_module.install(clock_module.Clock())
    yield
    clock_module.install(previous)


@pytest.fixture
def record(container, tmp_path):
    """`record(name, seconds=10, scene=None, segment_seconds=2.0, ...)` -> camera id."""
    def run(name: str = "cam", seconds: float = 10, scene: Scene | None = None, **kwargs) -> int:
        return record_clip(container, tmp_path, name, seconds, scene, **kwargs)
    return run


@pytest.fixture
def recorder_cli(container, database_url, monkeypatch, tmp_path):
    """`recorder_cli(*args)`: `casework recorder ARGS` in-process on the test database,
    signed in as `officer.li` (inspector and admin)."""
    monkeypatch.setenv("CASEWORK_DATABASE_URL", database_url)
    monkeypatch.setenv("CASEWORK_DATA_DIR", str(container.settings.data_dir))
    add_user(container, "officer.li", ["inspector", "admin"])
    runner = CliRunner()

    def run(*args):
        sign_in(container, monkeypatch, tmp_path, "officer.li")  # sessions expire: the clock travels
        return runner.invoke(main, ["recorder", *args], catch_exceptions=False)
    return run
