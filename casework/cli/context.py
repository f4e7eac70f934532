"""The CLI's lazily built container."""
from __future__ import annotations

import click

from casework.bootstrap import Container, bootstrap


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

        upgrade(self.container.engine)


pass_app = click.make_pass_decorator(AppContext)
