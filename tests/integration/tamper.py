"""Tests that play an attacker with DDL rights lift the guards, then restore them."""
from __future__ import annotations

from contextlib import contextmanager

from casework.models.guards import drop_core_guards, install_core_guards


@contextmanager
def guards_lifted(engine):
    with engine.begin() as conn:
        drop_core_guards(conn)
    try:
        yield
    finally:
        with engine.begin() as conn:
            install_core_guards(conn)
