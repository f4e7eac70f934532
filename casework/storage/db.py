"""Engines and sessions: SQLite (WAL) by default, PostgreSQL in production."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker


def is_sqlite(engine_or_url) -> bool:
    url = getattr(engine_or_url, "url", engine_or_url)
    return str(url).startswith("sqlite")


SQLITE_SYNCHRONOUS = ("FULL", "NORMAL")


def make_engine(url: str, *, echo: bool = False, sqlite_synchronous: str = "FULL") -> Engine:
    """Build an engine with the pragmas and pool settings each backend needs."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, echo=echo, connect_args={"timeout": 30, "check_same_thread": False}
        )
        if sqlite_synchronous not in SQLITE_SYNCHRONOUS:
            raise ValueError(f"sqlite synchronous must be one of {SQLITE_SYNCHRONOUS}")
        _configure_sqlite(engine, sqlite_synchronous)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _configure_sqlite(engine: Engine, synchronous: str) -> None:
    """WAL; FULL syncs every commit so an acknowledged act survives a power cut
    (NORMAL, by configuration, trades the last commits for the fsync of each commit)."""
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy emit BEGIN itself (below) instead of pysqlite's implicit one.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.execute("PRAGMA foreign_keys=ON")
        # REPLACE's implicit delete then fires the BEFORE DELETE guards of evidence tables.
        cur.execute("PRAGMA recursive_triggers=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA recursive_triggers=ON")  # REPLACE must fire the DELETE guards
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # IMMEDIATE takes the write lock up front: writers queue on busy_timeout
        # instead of failing when a read snapshot must upgrade to a write.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, future=True)
