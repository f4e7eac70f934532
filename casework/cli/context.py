"""The CLI's lazily built container, and the setup `casework init` does around it."""
from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import click
from sqlalchemy.engine import make_url

from casework import integrity
from casework.bootstrap import Container, bootstrap
from casework.storage.db import is_sqlite, make_engine
from casework.errors import InvalidInput
from casework.storage import roles


class AppContext:
    def __init__(self) -> None:
        self._container: Container | None = None

    @property
    def container(self) -> Container:
        if self._container is None:
            self._container = bootstrap()
        return self._container

    def migrate(self) -> None:
        from casework.install.schema import upgrade

        with self.owner_engine() as engine:
            upgrade(engine)

    @contextmanager
    def owner_engine(self):
        """The engine with the schema owner's rights: SQLite's own; on PostgreSQL the owner
        role's URL (CASEWORK_OWNER_DATABASE_URL or secrets/database-owner.url)."""
        container = self.container
        owner = container.settings.owner_database_url
        if is_sqlite(container.engine) or not owner:
            yield container.engine
            return
        engine = make_engine(owner)
        try:
            yield engine
        finally:
            engine.dispose()

    def provision_roles(self, admin_url: str, echo) -> None:
        """PostgreSQL: create the owner and app roles (as `admin_url`, a superuser), keep
        their URLs in secrets/ (0600), and from here on run as the app role."""
        settings = self.container.settings
        url = make_url(settings.database_url)
        database = url.database
        names = roles.role_names(database)
        secrets_dir = settings.data_dir / "secrets"
        urls = {}
        for role, name in ((names.owner, "database-owner.url"), (names.app, "database-app.url")):
            path = secrets_dir / name
            if path.is_file():
                urls[role] = path.read_text().strip()
            else:
                urls[role] = roles.role_url(str(url.render_as_string(hide_password=False)),
                                            role, roles.new_password())
                _write_secret(path, urls[role])
        admin = make_engine(_same_database(admin_url, database))
        try:
            with admin.begin() as conn:
                roles.provision(conn, database,
                                owner_password=make_url(urls[names.owner]).password,
                                app_password=make_url(urls[names.app]).password)
        finally:
            admin.dispose()
        echo(f"roles: {names.owner} (migrations), {names.app} (application; no superuser, "
             f"owns nothing); URLs in {secrets_dir}")
        self._container.dispose()
        self._container = bootstrap(replace(settings, database_url=urls[names.app],
                                            owner_database_url=urls[names.owner]))

    def finish_roles(self, admin_url: str) -> None:
        """After migrating: hand anything new to the owner and grant the app its DML."""
        database = make_url(self.container.settings.database_url).database
        admin = make_engine(_same_database(admin_url, database))
        try:
            with admin.begin() as conn:
                roles.provision(conn, database)
        finally:
            admin.dispose()


def _same_database(admin_url: str, database: str) -> str:
    url = make_url(admin_url)
    if url.database not in (None, database):
        raise InvalidInput(f"管理员连接应指向同一数据库 / --admin-url names database "
                           f"{url.database}, the application uses {database}")
    return url.set(database=database).render_as_string(hide_password=False)


def _write_secret(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text + "\n")


def ensure_chain_key(container: Container) -> tuple[Path, bool]:
    path = integrity.key_path(container.settings.data_dir)
    return path, integrity.create_key(path)


pass_app = click.make_pass_decorator(AppContext)
