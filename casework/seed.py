"""Reference data (jurisdictions, rulebooks, holidays) and demo data."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from casework.demo import seed_demo_data
from casework.documents.demo import seed_demo_documents
from casework.legal_calendar.store import seed_holidays
from casework.services.process_models import seed_process_models
from casework.services.rulebooks import seed_rulebooks

if TYPE_CHECKING:
    from casework.bootstrap import Container

Echo = Callable[[str], None]


def seed_reference_data(container: Container, progress: Echo = print) -> str:
    """Idempotently load what every installation needs."""
    parts = []
    for step in REFERENCE_STEPS:
        parts.append(step(container, progress))
    return ", ".join(p for p in parts if p) or "nothing to seed"


def seed_demo(container: Container, progress: Echo = print) -> str:
    parts = []
    for step in DEMO_STEPS:
        parts.append(step(container, progress))
    return ", ".join(p for p in parts if p)


# Filled by the areas as they land: functions (container, progress) -> summary.
REFERENCE_STEPS: list[Callable[[Container, Echo], str]] = [
    seed_rulebooks,
    seed_holidays,
    seed_process_models,
]
DEMO_STEPS: list[Callable[[Container, Echo], str]] = [
    seed_demo_data,
    seed_demo_documents,  # keep after the step that creates demo units
]
