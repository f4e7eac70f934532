"""The composition root: the one place that picks database, file store and clock.

Only the entry points (CLI, web, flows, tests, benches) import it.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from casework import clock as clock_module
from casework.audit import bind_anchor
from casework.config import Settings
from casework.container import Container
from casework.engine.expressions.actions import DECLARED
from casework.engine.expressions.functions import make_functions
from casework.integrity import AnchorOpener
from casework.legal_calendar.active import SESSION_KEY
from casework.storage.holidays import calendar_for
from casework.services.processes.shipped import register_actions
from casework.storage.db import make_engine, make_read_session_factory, make_session_factory
from casework.storage.files import FileStore


def bootstrap(settings: Settings | None = None, *, database_url: str | None = None,
              data_dir: str | Path | None = None,
              clock: clock_module.Clock | None = None) -> Container:
    """Build a container on the process clock.

    Code reads time through `casework.clock`, so a process runs on one clock, which its
    entry point chooses (`casework.clock.install`, e.g. a test's TravelClock) before it
    bootstraps. `bootstrap` never changes it: a `clock` that is not the installed one is
    refused rather than silently re-pointing every other container's time.
    """
    process_clock = clock_module.current()
    if clock is not None and clock is not process_clock:
        raise ValueError("bootstrap(clock=...) is not the process clock: install it first "
                         "with casework.clock.install(clock) at the entry point")
    settings = settings or Settings.from_env()
    if data_dir is not None:
        settings = replace(settings, data_dir=Path(data_dir))
    if database_url is not None:
        settings = replace(settings, database_url=database_url)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url, sqlite_synchronous=settings.sqlite_synchronous)
    register_actions()  # diagrams reach code only through registered actions
    session_factory = make_session_factory(engine)
    # Every session appends to the audit chain with the deployment's key (never in the db),
    # and carries the container's own holiday table, loaded on first use.
    bind_anchor(engine, AnchorOpener(settings.data_dir))
    calendar = calendar_for(session_factory)
    session_factory.configure(info={SESSION_KEY: calendar})
    read_session_factory = make_read_session_factory(engine)
    read_session_factory.configure(info={SESSION_KEY: calendar})
    return Container(
        settings=settings,
        engine=engine,
        session_factory=session_factory,
        read_session_factory=read_session_factory,
        files=FileStore(settings.data_dir / "files"),
        clock=process_clock,
        calendar=calendar,
        # Diagram expressions read this container's own holiday table (deadline_iso).
        functions=make_functions(deadline_iso=calendar.deadline_iso),
        actions=DECLARED.copy(),  # the container's own set, taken once its action modules are loaded
    )
