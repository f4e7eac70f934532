"""Who is acting, and the ONE scope rule: what that actor may see.

Unit users see their own unit; bureau staff their jurisdiction(s) (none set: the whole
bureau); admin sees all. Every query filters with `Actor.where(...)` and every lookup of
one object asks `Actor.may_see(...)` (see `casework.services.scope`): an object outside
the scope does not exist for the actor (404), it is never "forbidden".
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable

from sqlalchemy import event, false, literal, true
from sqlalchemy.orm import Session, object_session

from casework.errors import PermissionDenied
from casework.models import User

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
        return jurisdiction_column.in_(values_of(jurisdiction_column, allowed))

    def require(self, *roles: str) -> None:
        if not self.roles.intersection(roles):
            raise PermissionDenied(f"需要角色 {'/'.join(roles)} / requires role {' or '.join(roles)}")


def values_of(column: Any, values: Any) -> list:
    """`values` as one bound parameter each, for `column.in_()` in a statement built once per
    actor: a plain list would be one "expanding" parameter, re-rendered into the SQL text on
    every execution."""
    return [literal(value, column.type) for value in sorted(values)]


# How long a signed-in actor is reused without reading its account again. A change to an
# account committed in this process (disabled, roles, unit, jurisdiction) takes effect on the
# next request; one made elsewhere (the CLI, another web worker) within this many seconds.
ACTOR_TTL_S = 5.0
_MAX_CACHED = 10_000


class _Accounts:
    """Counts committed changes to accounts in this process (the actor caches' generation)."""

    generation = 0
    lock = threading.Lock()


def _account_changed(_mapper, _connection, user: User) -> None:
    session = object_session(user)
    if session is not None:
        session.info["casework_accounts_changed"] = True


@event.listens_for(Session, "after_commit")
def _bump_generation(session: Session) -> None:
    if session.info.pop("casework_accounts_changed", False):
        with _Accounts.lock:
            _Accounts.generation += 1


@event.listens_for(Session, "after_rollback")
def _forget_change(session: Session) -> None:
    session.info.pop("casework_accounts_changed", None)


event.listen(User, "after_update", _account_changed)
event.listen(User, "after_delete", _account_changed)


class ActorCache:
    """The actors of signed-in sessions (keyed by user and credentials stamp) for up to `ttl` seconds (a page then costs no account
    query); any account change committed in this process empties it (see ACTOR_TTL_S)."""

    def __init__(self, ttl: float = ACTOR_TTL_S, timer: Callable[[], float] = time.monotonic) -> None:
        self._ttl, self._timer = ttl, timer
        self._entries: dict[Hashable, tuple[Actor, float, int]] = {}

    def get(self, key: Hashable, load: Callable[[], Actor | None]) -> Actor | None:
        """The cached actor, else `load()` (None, a missing or disabled account, is not kept)."""
        now = self._timer()
        hit = self._entries.get(key)
        if hit is not None and hit[1] > now and hit[2] == _Accounts.generation:
            return hit[0]
        generation = _Accounts.generation  # read before loading: a change meanwhile voids the entry
        actor = load()
        if actor is None:
            self._entries.pop(key, None)
        else:
            if len(self._entries) >= _MAX_CACHED:
                self._entries.clear()
            self._entries[key] = (actor, now + self._ttl, generation)
        return actor
