"""Reference data (jurisdictions, rulebooks, holidays) and demo data."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from casework.install.demo import seed_demo_data
from casework.documents.demo import seed_demo_documents
from casework.services.deadlines.admin import seed_holidays
from casework.services.processes.shipped import seed_process_models
from casework.services.rulebooks import seed_rulebooks

if TYPE_CHECKING:
    from casework.container import Container

Echo = Callable[[str], None]


def seed_reference_data(container: Container, progress: Echo = print) -> str:
    """Idempotently load what every installation needs."""
    return _run(REFERENCE_STEPS, container, progress) or "nothing to seed"


def seed_demo(container: Container, progress: Echo = print) -> str:
    """Idempotently add the demo's users, units, cases and documents."""
    return _run(DEMO_STEPS, container, progress)


def _run(steps, container: Container, progress: Echo) -> str:
    return ", ".join(summary for step in steps if (summary := step(container, progress)))


# Each step: (container, progress) -> a short summary; idempotent; in order.
REFERENCE_STEPS: list[Callable[[Container, Echo], str]] = [
    seed_rulebooks,
    seed_holidays,
    seed_process_models,
]
DEMO_STEPS: list[Callable[[Container, Echo], str]] = [
    seed_demo_data,
    seed_demo_documents,  # keep after the step that creates demo units
]
