"""Domain errors; the web turns them into 4xx, the CLI into one line and exit 1."""
from __future__ import annotations


class CaseworkError(Exception):
    """A user-facing failure with a clear message."""

    status = 400


class NotFound(CaseworkError):
    status = 404


class PermissionDenied(CaseworkError):
    status = 403


class Conflict(CaseworkError):
    """Someone else changed the thing first (stale revision, already claimed)."""

    status = 409


class InvalidInput(CaseworkError):
    status = 422


class RuleViolation(CaseworkError):
    """The law does not allow this (expired rulebook, privacy place, ...)."""

    status = 422
