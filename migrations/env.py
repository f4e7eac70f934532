"""Alembic environment: every installed package's models share one metadata (`casework.models` entry points)."""
from __future__ import annotations

from alembic import context

from casework.config import Settings
from casework.install.schema import load_all_models
from casework.models.base import Base
from casework.storage.db import make_engine

load_all_models()
config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        engine = make_engine(Settings.from_env().database_url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=engine.dialect.name == "sqlite",
                          compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
