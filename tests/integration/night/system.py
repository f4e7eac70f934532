"""The system account the night's jobs act as in tests, and the env that names it."""
from __future__ import annotations

from casework.cli.login import SYSTEM_ACCOUNT
from casework.cli.operator import SYSTEM_ACCOUNT_ENV
from casework.services.actor import Actor
from tests.integration.operators import add_user
from workflows import jobs

SYSTEM = Actor(SYSTEM_ACCOUNT, frozenset({"scheduler"}))


def opts(**options) -> jobs.Options:
    """Job options acting as the system account."""
    return jobs.Options(SYSTEM, **options)


def as_system_account(container, monkeypatch) -> str:
    """The account `casework init` makes, named in this process's environment (flows, CLI)."""
    add_user(container, SYSTEM_ACCOUNT, ["scheduler"], system=True)
    monkeypatch.setenv(SYSTEM_ACCOUNT_ENV, SYSTEM_ACCOUNT)
    return SYSTEM_ACCOUNT
