"""Alembic environment: all models of casework and recorder share one metadata."""
from __future__ import annotations

from alembic import context

import casework.models  # noqa: F401
from casework.storage.db import make_engine
from casework.models.base import Base
from migrations.metadata import load_all_models

load_all_models()
config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        from casework.config import Settings

        engine = make_engine(Settings.from_env().database_url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=engine.dialect.name == "sqlite",
                          compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
