"""Create or migrate the database schema with Alembic.

Every package's tables share one `Base.metadata`; outer packages (the recorder) bring
theirs through the `casework.models` entry-point group and their database guards
through `casework.guards`, so the core never imports them.
"""
from __future__ import annotations

from importlib.metadata import entry_points
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config

from casework.config import PROJECT_ROOT

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

MODELS_GROUP = "casework.models"
GUARDS_GROUP = "casework.guards"


def load_all_models() -> list[str]:
    """Import every installed model module so Base.metadata is complete; their names."""
    names = []
    for ep in sorted(entry_points(group=MODELS_GROUP), key=lambda ep: ep.name):
        ep.load()
        names.append(ep.name)
    return names


def install_guards(connection: Connection) -> list[str]:
    """Install the guard triggers of every installed package; their names."""
    names = []
    for ep in sorted(entry_points(group=GUARDS_GROUP), key=lambda ep: ep.name):
        ep.load()(connection)
        names.append(ep.name)
    return names


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    # Revisions live in one folder per era (versions/01_core, versions/02_doors, ...); new ones go in the newest.
    cfg.set_main_option("recursive_version_locations", "true")
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Bring the schema to `revision` (idempotent); by default every branch's head, so
    parallel revisions not yet chained at a merge still all apply."""
    command.upgrade(alembic_config(engine), revision)
