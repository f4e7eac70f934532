"""The PostgreSQL pool: an idle connection the server dropped is replaced before use, without a
ping per request (a connection used a moment ago is trusted; if it died, one error, then fresh)."""
from __future__ import annotations

from datetime import timezone

import pytest
from sqlalchemy import exc

from casework.storage import db
from tests.conftest import PG_URL

pytestmark = pytest.mark.postgres_only


def _pid(engine) -> int:
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()


def _kill(pid: int) -> None:
    admin = db.make_engine(PG_URL)
    with admin.connect() as conn:  # waits until the backend is gone
        assert conn.exec_driver_sql(f"SELECT pg_terminate_backend({pid}, 10000)").scalar_one()
    admin.dispose()


def test_an_idle_connection_the_server_dropped_is_replaced_before_any_statement(database_url, monkeypatch):
    engine = db.make_engine(database_url)
    first = _pid(engine)
    _kill(first)
    monkeypatch.setattr(db, "IDLE_BEFORE_PING_S", 0.0)  # as if it sat idle past the limit
    assert _pid(engine) != first  # no error reached the caller
    engine.dispose()


def test_a_connection_used_a_moment_ago_is_not_pinged_and_a_drop_costs_one_error(database_url, monkeypatch):
    engine = db.make_engine(database_url)
    pings = []
    real_ping = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda conn: pings.append(1) or real_ping(conn))
    first = _pid(engine)
    assert _pid(engine) == first and pings == []  # LIFO: the same hot connection, no round trip
    _kill(first)
    with pytest.raises(exc.OperationalError):
        _pid(engine)
    assert _pid(engine) != first  # the pool threw the dead connection away
    engine.dispose()


def test_read_pages_plan_each_run_and_every_connection_runs_in_utc(container):
    """Read pages share the pool in autocommit and keep PostgreSQL's own plan choice (a queue's
    best plan depends on its filter's values: storage.db.make_read_session_factory). Every connection
    runs in UTC, so a timestamp comes back in timezone.utc and passes UTCDateTime untouched."""
    with container.read_uow() as read:
        conn = read.session.connection()
        assert conn.exec_driver_sql("SHOW plan_cache_mode").scalar_one() == "auto"
        assert conn.exec_driver_sql("SELECT now()").scalar_one().tzinfo is timezone.utc
        assert conn.connection.dbapi_connection.autocommit
    with container.uow() as write:
        conn = write.session.connection()
        assert not conn.connection.dbapi_connection.autocommit
        assert conn.exec_driver_sql("SELECT now()").scalar_one().tzinfo is timezone.utc
    container.dispose()
    assert container.engine.pool.checkedin() == 0
