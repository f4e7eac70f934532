"""Tests that play an attacker with DDL rights lift the guards, then restore them.

On PostgreSQL the suite runs as the application role, which cannot drop triggers: the
attacker here is the schema's owner (`<db>_owner`, see casework.storage.roles).
"""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy.engine import make_url

from casework.storage.db import make_engine
from casework.models.guards import drop_core_guards, install_core_guards
from casework.storage.roles import role_names, role_url


def owner_url(url: str) -> str:
    return role_url(url, role_names(make_url(url).database).owner, None)


def app_url(url: str) -> str:
    return role_url(url, role_names(make_url(url).database).app, None)


@contextmanager
def as_owner(engine):
    """A connection with the owner's rights (SQLite has no roles: the same engine)."""
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            yield conn
        return
    owner = make_engine(owner_url(engine.url.render_as_string(hide_password=False)))
    try:
        with owner.begin() as conn:
            yield conn
    finally:
        owner.dispose()


@contextmanager
def guards_lifted(engine):
    with as_owner(engine) as conn:
        drop_core_guards(conn)
    try:
        yield
    finally:
        with as_owner(engine) as conn:
            install_core_guards(conn)
