"""Fixtures shared by the integration tests."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from casework.cli import main
from casework.cli.operator import SESSION_FILE_ENV, SYSTEM_ACCOUNT_ENV


@pytest.fixture
def cli(container, database_url, monkeypatch, tmp_path):
    """`casework ARGS...` on the test's database and data folder, with its own session file and
    no system account set; `input=` feeds its prompts."""
    monkeypatch.setenv("CASEWORK_DATABASE_URL", database_url)
    monkeypatch.setenv("CASEWORK_DATA_DIR", str(container.settings.data_dir))
    monkeypatch.setenv(SESSION_FILE_ENV, str(tmp_path / "home" / "session"))
    monkeypatch.delenv(SYSTEM_ACCOUNT_ENV, raising=False)
    runner = CliRunner()
    return lambda *args, input=None: runner.invoke(main, list(args), input=input)
