"""Create or migrate the database schema with Alembic."""
from __future__ import annotations

from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config

from casework.config import PROJECT_ROOT

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` (idempotent)."""
    command.upgrade(alembic_config(engine), revision)
