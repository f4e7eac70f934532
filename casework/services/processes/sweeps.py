"""Overnight and periodic sweeps the scheduler calls (and the CLI, by hand)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from casework import engine

if TYPE_CHECKING:
    from casework.container import Container


def sweep_deadlines(container: Container, *, batch: int = 100, max_rounds: int = 10_000,
                    progress: Callable[[str], None] | None = None) -> int:
    """Fire every due timer (missed deadlines, trial runs); returns how many fired.

    Each instance fires in its own transaction, so an interrupted sweep resumes where
    it stopped; `max_rounds` bounds one call even if timers keep falling due.
    """
    total = 0
    for _ in range(max_rounds):
        fired = engine.fire_due_timers(container.session_factory, batch=batch,
                                       resources=container.uow().resources)
        total += fired
        if progress and fired:
            progress(f"fired {total} timers")
        if fired < batch:
            break
    return total
