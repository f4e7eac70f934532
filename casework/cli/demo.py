"""`casework demo`: a working system on SQLite, with what each package contributes."""
from __future__ import annotations

from importlib.metadata import entry_points

import click

from casework.cli.context import AppContext, pass_app
from casework.install.seed import seed_demo, seed_reference_data


@click.command("demo")
@click.option("--no-serve", is_flag=True, help="Seed only; do not start long-running parts.")
@pass_app
def command(app: AppContext, no_serve: bool) -> None:
    """Seed demo data and start the parts of the system (web, recorder, scheduler)."""
    container = app.container
    app.migrate()
    seed_reference_data(container, progress=click.echo)
    seed_demo(container, progress=click.echo)
    # Outer packages contribute `seed(container, echo)` and `start(container, echo)`.
    parts = sorted(entry_points(group="casework.demo"), key=lambda ep: ep.name)
    loaded = [ep.load() for ep in parts]
    for part in loaded:
        if hasattr(part, "seed"):
            part.seed(container, click.echo)
    if no_serve:
        click.echo("demo seeded.")
        return
    runners = [part for part in loaded if hasattr(part, "start")]
    if not runners:
        click.echo("demo seeded; nothing long-running is installed yet.")
        return
    for part in runners[:-1]:
        part.start(container, click.echo, block=False)
    runners[-1].start(container, click.echo, block=True)
