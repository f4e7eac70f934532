"""`upgrade head` on an empty database yields exactly the models' schema."""
import os
import uuid

import psycopg
import pytest

from casework.storage.db import make_engine
from casework.devtools.migrations import schema_drift
from casework.install.schema import upgrade

PG_URL = os.environ.get("CASEWORK_TEST_DATABASE_URL")


@pytest.fixture
def empty_engine(tmp_path):
    if not PG_URL:
        engine = make_engine(f"sqlite:///{tmp_path / 'migrate.db'}")
        yield engine
        engine.dispose()
        return
    server, _, _ = PG_URL.rpartition("/")
    name = f"casework_mig_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    engine = make_engine(f"{server}/{name}")
    yield engine
    engine.dispose()
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_upgrade_head_matches_models_and_is_idempotent(empty_engine):
    upgrade(empty_engine)
    assert schema_drift(empty_engine) == []
    upgrade(empty_engine)  # a second run changes nothing and does not fail
    assert schema_drift(empty_engine) == []


def test_migrated_database_has_the_retention_triggers(empty_engine):
    from sqlalchemy import text

    upgrade(empty_engine)
    query = ("SELECT count(*) FROM sqlite_master WHERE type='trigger'"
             if empty_engine.dialect.name == "sqlite"
             else "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal")
    with empty_engine.connect() as conn:
        assert conn.execute(text(query)).scalar() >= 4  # footage, holds, documents, audit
