"""Shared fixtures: a travelling clock, a fresh database (SQLite or PostgreSQL), a container."""
from __future__ import annotations

import os
from datetime import datetime

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from casework import clock as clock_module
from casework.bootstrap import bootstrap
from casework.storage.db import make_engine
from casework.models import Jurisdiction, Unit
from casework.models.base import Base
from casework.storage.roles import provision
from casework.install.schema import load_all_models
from tests.integration.tamper import app_url, owner_url

PG_URL = os.environ.get("CASEWORK_TEST_DATABASE_URL")
START = datetime(2026, 3, 2, 1, 0, tzinfo=clock_module.UTC)  # Mon 09:00 Asia/Shanghai


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: runs on SQLite only")
    config.addinivalue_line("markers", "postgres_only: runs on PostgreSQL only")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if PG_URL and item.get_closest_marker("sqlite_only"):
            item.add_marker(pytest.mark.skip(reason="SQLite only"))
        if not PG_URL and item.get_closest_marker("postgres_only"):
            item.add_marker(pytest.mark.skip(reason="PostgreSQL only"))


@pytest.fixture
def clock():
    travel = clock_module.TravelClock(START)
    previous = clock_module.install(travel)
    yield travel
    clock_module.install(previous)


@pytest.fixture(scope="session")
def pg_engine():
    if not PG_URL:
        yield None
        return
    load_all_models()
    admin = make_engine(PG_URL)  # a superuser: creates the roles, then steps aside
    with admin.begin() as conn:
        provision(conn, make_url(PG_URL).database)
    admin.dispose()
    engine = make_engine(owner_url(PG_URL))  # the schema's owner, as migrations run
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def database_url(tmp_path, pg_engine):
    """A URL to an empty, fully created schema."""
    if pg_engine is not None:
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with pg_engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        return app_url(PG_URL)  # the suite runs as the application: no superuser, owns nothing
    load_all_models()
    url = f"sqlite:///{tmp_path / 'test.db'}"
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    return url


@pytest.fixture
def container(database_url, tmp_path, clock):
    app = bootstrap(database_url=database_url, data_dir=tmp_path / "data", clock=clock)
    yield app
    app.dispose()


@pytest.fixture
def uow(container):
    return container.uow()


@pytest.fixture
def ids(container):
    """(jurisdiction id, unit id): a Taiyuan jurisdiction and one unit in it."""
    with container.uow() as uow:
        j = Jurisdiction(code="taiyuan", name="太原市", organ_name="太原市公安局", doc_prefix="太公(视)")
        uow.session.add(j)
        uow.session.flush()
        u = Unit(credit_code="91140106MA0KX1234Q", name="太原市迎泽区晋阳商贸有限公司",
                 address="山西省太原市迎泽区迎泽大街100号", legal_representative="王建国",
                 site_category="商场", party_type="business", jurisdiction_id=j.id,
                 created_at=clock_module.now())
        uow.session.add(u)
        uow.commit()
        return j.id, u.id
