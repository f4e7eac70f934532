"""Who is acting, and the ONE scope rule: what that actor may see.

Unit users see their own unit; bureau staff their jurisdiction(s) (none set: the whole
bureau); admin sees all. Every query filters with `Actor.where(...)` and every lookup of
one object asks `Actor.may_see(...)` (see `casework.services.scope`): an object outside
the scope does not exist for the actor (404), it is never "forbidden".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import false, true

from casework.errors import PermissionDenied

STAFF_ROLES = frozenset({"clerk", "inspector", "legal_reviewer", "bureau_head", "manager",
                         "scheduler", "auditor", "admin"})


@dataclass(frozen=True)
class Actor:
    name: str
    roles: frozenset[str] = field(default_factory=frozenset)
    unit_id: int | None = None  # a unit user: sees only this unit
    jurisdiction_id: int | None = None  # bureau staff: their jurisdiction; None: all
    more_jurisdictions: frozenset[int] = field(default_factory=frozenset)  # staff over several

    @classmethod
    def system(cls) -> Actor:
        return cls("system", frozenset({"clerk", "inspector", "legal_reviewer", "bureau_head"}))

    @classmethod
    def of_user(cls, user: Any) -> Actor:
        """The actor for a stored user row (casework.models.User)."""
        return cls(user.username, frozenset(user.roles or ()), user.unit_id, user.jurisdiction_id)

    @property
    def is_unit_user(self) -> bool:
        return self.unit_id is not None

    @property
    def jurisdictions(self) -> frozenset[int] | None:
        """The jurisdictions a staff member sees; None: every one (admin, or bureau-wide)."""
        if "admin" in self.roles and self.unit_id is None:
            return None
        if self.jurisdiction_id is None and not self.more_jurisdictions:
            return None
        return frozenset({self.jurisdiction_id} - {None}) | self.more_jurisdictions

    def may_see(self, unit_id: int | None, jurisdiction_id: int | None) -> bool:
        """The scope rule for one object owned by `unit_id` in `jurisdiction_id`."""
        if self.unit_id is not None:
            return unit_id is not None and self.unit_id == unit_id
        if not self.roles & STAFF_ROLES:
            return False
        allowed = self.jurisdictions
        return allowed is None or jurisdiction_id in allowed

    def where(self, unit_column: Any, jurisdiction_column: Any) -> Any:
        """The same rule as a SQL condition over a table's unit and jurisdiction columns."""
        if self.unit_id is not None:
            return unit_column == self.unit_id
        if not self.roles & STAFF_ROLES:
            return false()
        allowed = self.jurisdictions
        if allowed is None:
            return true()
        return jurisdiction_column.in_(sorted(allowed))

    def require(self, *roles: str) -> None:
        if not self.roles.intersection(roles):
            raise PermissionDenied(f"需要角色 {'/'.join(roles)} / requires role {' or '.join(roles)}")
