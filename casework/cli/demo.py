"""`casework demo`: a working system on SQLite, with what each package contributes."""
from __future__ import annotations

import signal
import threading
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
    # Outer packages contribute `seed(container, echo)` and `start(container, echo)`, which
    # starts the part in the background and returns something with `shutdown()` (or None).
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
    # Ctrl-C or SIGTERM stops the demo, even when started with SIGINT ignored (a child of a
    # process that ignores it inherits that, and Python then raises no KeyboardInterrupt).
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    running = []
    try:  # from here, an interrupt stops what has started
        for part in runners:
            running.append(part.start(container, click.echo))
        click.echo("Ctrl-C stops the demo.")
        threading.Event().wait()  # the parts run in the background until Ctrl-C
    except KeyboardInterrupt:
        click.echo("stopping…")
    finally:
        for handle in reversed(running):
            if handle is not None:
                handle.shutdown()


def _interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt
