"""Process models: register the actions diagrams may call and deploy the shipped diagrams."""
from __future__ import annotations

from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Callable

from casework import engine

if TYPE_CHECKING:
    from casework.container import Container


def register_actions() -> None:
    """Import the modules whose @action decorators fill the engine's registry (idempotent).

    Outer packages (the recorder) contribute theirs through the `casework.actions`
    entry-point group, so the core never imports them.
    """
    import casework.services.penalty.actions  # noqa: F401
    import casework.services.cases.service_of_documents  # noqa: F401
    import casework.services.processes.lifecycle_actions  # noqa: F401

    for entry in entry_points(group="casework.actions"):
        entry.load()


def seed_process_models(container: Container, progress: Callable[[str], None] = print) -> str:
    """Deploy bpmn/*.bpmn as version 1 where absent."""
    register_actions()
    with container.uow() as uow:
        versions = engine.deploy_shipped(uow.session, actor="system")
        uow.commit()
    deployed = ", ".join(f"{v.key} v{v.version}" for v in versions) or "up to date"
    progress(f"process models: {deployed}")
    return f"process models: {deployed}"
