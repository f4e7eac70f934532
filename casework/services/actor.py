"""Who is acting: a user's name, roles and (for unit users) unit."""
from __future__ import annotations

from dataclasses import dataclass, field

from casework.errors import PermissionDenied


@dataclass(frozen=True)
class Actor:
    name: str
    roles: frozenset[str] = field(default_factory=frozenset)
    unit_id: int | None = None  # a unit user: sees only this unit
    jurisdiction_id: int | None = None  # bureau staff: sees only this jurisdiction; None: all

    @classmethod
    def system(cls) -> Actor:
        return cls("system", frozenset({"clerk", "inspector", "legal_reviewer", "bureau_head"}))

    def may_see(self, unit_id: int, jurisdiction_id: int) -> bool:
        if self.unit_id is not None:
            return self.unit_id == unit_id
        return self.jurisdiction_id is None or self.jurisdiction_id == jurisdiction_id

    def require(self, *roles: str) -> None:
        if not self.roles.intersection(roles):
            raise PermissionDenied(f"需要角色 {'/'.join(roles)} / requires role {' or '.join(roles)}")
