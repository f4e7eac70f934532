"""Tests that play an attacker with DDL rights lift the guards, then restore them."""
from __future__ import annotations

from contextlib import contextmanager

from casework.models.guards import install_core_guards

SQLITE_TRIGGERS = ("document_no_delete", "document_fixed", "audit_event_no_update",
                   "audit_event_no_delete")
POSTGRES_TRIGGERS = (("document_guard", "document"), ("audit_event_guard", "audit_event"))


@contextmanager
def guards_lifted(engine):
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            for name in SQLITE_TRIGGERS:
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        else:
            for name, table in POSTGRES_TRIGGERS:
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    try:
        yield
    finally:
        with engine.begin() as conn:
            install_core_guards(conn)
