"""Engine errors: a refused diagram, a refused or failed expression."""
from __future__ import annotations

from casework.errors import InvalidInput


class DiagramInvalid(InvalidInput):
    """A diagram that must not be deployed; the message names the element."""

    def __init__(self, message: str, element_id: str | None = None) -> None:
        super().__init__(message)
        self.element_id = element_id


class ExpressionRejected(InvalidInput):
    """An expression outside the safe subset (or over its size bounds)."""


class ExpressionFailed(InvalidInput):
    """A safe expression that failed on the data it met (missing name, bad type)."""
