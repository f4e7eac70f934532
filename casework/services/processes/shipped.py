"""Process models: register the actions diagrams may call and deploy the shipped diagrams."""
from __future__ import annotations

from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Callable

from casework import audit, engine
from casework.services.modeling.forms import edited_revisions, forms_dir

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
    """Deploy bpmn/*.bpmn as version 1 where absent.

    Forms as every deploy reads them: `forms/` with the modeler's saved edits over it (on a first
    install there are none). A version that took an edited form says so, in the audit and here.
    """
    register_actions()
    with container.uow() as uow:
        with forms_dir(uow.session) as forms:
            versions = engine.deploy_shipped(uow.session, actor="system", forms_dir=forms)
        used: list[str] = []
        for version in versions:
            edited = edited_revisions(uow.session, sorted(version.forms))
            if edited:
                audit.record(uow.session, "system", "model.deploy", f"model:{version.key}",
                             {"version": version.version, "edited_forms": edited})
                used.append(f"{version.key} v{version.version}: " + ", ".join(
                    f"{form} (rev {rev})" for form, rev in sorted(edited.items())))
        uow.commit()
    deployed = ", ".join(f"{v.key} v{v.version}" for v in versions) or "up to date"
    if used:
        deployed += "; 使用建模器中编辑的表单 / with forms edited in the modeler: " + "; ".join(used)
    progress(f"process models: {deployed}")
    return f"process models: {deployed}"
