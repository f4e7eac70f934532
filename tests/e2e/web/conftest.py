"""One seeded bureau per test module (seeding is the slow part), on SQLite or PostgreSQL."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import text

from casework import clock as clock_module
from casework.bootstrap import bootstrap
from casework.storage.db import make_engine
from casework.models.base import Base
from casework.install.schema import load_all_models
from tests.conftest import PG_URL, START
from tests.e2e.web import world as world_module
from web.app import create_app


@contextmanager
def fresh_container(tmp, pg_engine, start):
    """A container on an empty schema (SQLite in `tmp`, or the emptied PostgreSQL one) whose
    process clock travels from `start`; restores the previous clock after."""
    load_all_models()
    if pg_engine is not None:
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with pg_engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        url = PG_URL
    else:
        url = f"sqlite:///{tmp / 'web.db'}"
        engine = make_engine(url)
        Base.metadata.create_all(engine)
        engine.dispose()
    travel = clock_module.TravelClock(start)
    previous = clock_module.install(travel)
    container = bootstrap(database_url=url, data_dir=tmp / "data", clock=travel)
    try:
        yield container, travel
    finally:
        container.dispose()
        clock_module.install(previous)


@pytest.fixture(scope="module")
def web_world(tmp_path_factory, pg_engine):
    tmp = tmp_path_factory.mktemp("web")
    with fresh_container(tmp, pg_engine, START) as (container, _travel):
        yield container, world_module.build(container, tmp)


@pytest.fixture(scope="module")
def app(web_world):
    container, _facts = web_world
    return create_app(container, {"TESTING": True})


@pytest.fixture
def facts(web_world):
    return web_world[1]


def sign_in(client, username: str, password: str = world_module.PASSWORD):
    """Sign in through the real form (CSRF token read from the page)."""
    page = client.get("/sign-in").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    return client.post("/sign-in", data={"username": username, "password": password, "csrf_token": token})


def csrf_of(client, path: str = "/tasks") -> str:
    page = client.get(path).get_data(as_text=True)
    return page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def statements_by_language(container, client, path: str, marker: str) -> dict[str, tuple[int, int]]:
    """For each language: (SQL statements one GET of `path` runs, times `marker` is on the page),
    after a first visit in each language (what a worker reads once is read)."""
    from sqlalchemy import event

    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    joint = "&" if "?" in path else "?"
    for lang in ("en", "zh"):
        client.get(f"{path}{joint}lang={lang}")
    event.listen(container.engine, "before_cursor_execute", count)
    try:
        shown = {}
        for lang in ("en", "zh"):
            statements.clear()
            page = client.get(f"{path}{joint}lang={lang}").get_data(as_text=True)
            shown[lang] = (len(statements), page.count(marker))
    finally:
        event.remove(container.engine, "before_cursor_execute", count)
    return shown
