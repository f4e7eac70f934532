"""Settings from the environment, with embedded defaults."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    # FULL: every commit reaches the disk; NORMAL: faster, may lose the last commits on power loss.
    sqlite_synchronous: str = "FULL"
    # PostgreSQL: the schema owner's URL, for migrations only (the app runs as `<db>_app`).
    owner_database_url: str | None = None

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        data_dir = Path(env.get("CASEWORK_DATA_DIR", PROJECT_ROOT / "var"))
        # `casework init --admin-url` writes the roles' URLs under secrets/ (mode 0600).
        url = (env.get("CASEWORK_DATABASE_URL") or _secret(data_dir, "database-app.url")
               or f"sqlite:///{data_dir / 'casework.db'}")
        owner = env.get("CASEWORK_OWNER_DATABASE_URL") or _secret(data_dir, "database-owner.url")
        return cls(data_dir=data_dir, database_url=url,
                   sqlite_synchronous=env.get("CASEWORK_SQLITE_SYNCHRONOUS", "FULL").upper(),
                   owner_database_url=owner)


def _secret(data_dir: Path, name: str) -> str | None:
    path = data_dir / "secrets" / name
    return path.read_text().strip() if path.is_file() else None
