"""Engine errors: a refused diagram, a refused or failed expression."""
from __future__ import annotations

from casework.errors import CaseworkError, InvalidInput


class DiagramInvalid(InvalidInput):
    """A diagram that must not be deployed; the message names the (first) element.

    `problems`: every problem deploy validation found (`model.problems.Problem`), when it ran.
    """

    def __init__(self, message: str, element_id: str | None = None, problems: list | None = None) -> None:
        super().__init__(message)
        self.element_id = element_id
        self.problems = list(problems or [])


class ExpressionRejected(InvalidInput):
    """An expression outside the safe subset (or over its size bounds)."""


class ExpressionFailed(InvalidInput):
    """A safe expression that failed on the data it met (missing name, bad type)."""


class BudgetExceeded(CaseworkError):
    """A step went over its budget (time, engine tasks, data size); nothing of it was kept."""

    status = 422

    def __init__(self, message: str, element_id: str | None = None, limit: str = "") -> None:
        super().__init__(message)
        self.element_id = element_id
        self.limit = limit
