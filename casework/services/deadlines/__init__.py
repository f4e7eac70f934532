"""Case deadlines: computed under the container's calendar, remembered, and confirmed.

A deadline in a year whose holiday notice is not out is provisional (party deadlines at
their latest possible date, the bureau's at their earliest). The case keeps how it was
computed (`deadline_basis`) and the flag (`deadline_provisional`); when the notice
arrives (`casework calendar set-year`, or `casework init` after a chinesecalendar
upgrade) `confirm_provisional` recomputes every open provisional deadline, one
transaction per batch: a date already stated in a served document never moves earlier,
the process's deadline_at and timers are re-derived, each change is an audit event.
"""
from __future__ import annotations

from casework.services.deadlines.compute import deadline, filing_deadline, record_on_case
from casework.services.deadlines.confirm import Moved, calendar_health, confirm_provisional

__all__ = ["Moved", "calendar_health", "confirm_provisional", "deadline", "filing_deadline",
           "record_on_case"]
