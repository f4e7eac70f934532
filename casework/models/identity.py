"""Users and their roles; bureau staff belong to a jurisdiction, unit users to a unit."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, JSONType

ROLES = (
    "clerk",  # 办事员
    "inspector",  # 检查员
    "legal_reviewer",  # 法制审核
    "bureau_head",  # 负责人
    "unit",  # 单位 (portal)
    "manager",  # diagram manager
    "scheduler",
    "auditor",
    "admin",
)


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list] = mapped_column(JSONType, default=list)
    jurisdiction_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdiction.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime]

    def has_role(self, role: str) -> bool:
        return role in (self.roles or [])


class ApiToken(Base):
    """A bearer token for /api/v1/: only its SHA-256 is stored; expires; revocable."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class SignInAttempt(Base):
    """Failed sign-ins, counted per account and per address to throttle guessing."""

    __tablename__ = "sign_in_attempt"
    __table_args__ = (Index("ix_sign_in_attempt_username_at", "username", "at"),
                      Index("ix_sign_in_attempt_address_at", "address", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]


class SavedFilter(Base):
    """A queue filter a user saved under a name."""

    __tablename__ = "saved_filter"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    name: Mapped[str] = mapped_column(String(80))
    query: Mapped[dict] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime]


class ActivationCode(Base):
    """A one-time code handed over by hand (bureau networks have no mail): it activates a
    unit account, an invited second user, or a reset password. Only its argon2 hash is kept;
    it expires, is used once, and burns after a few wrong tries."""

    __tablename__ = "activation_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))  # activate | invite | reset
    code_hash: Mapped[str] = mapped_column(String(200))
    issued_by: Mapped[str] = mapped_column(String(80))
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]  # superseded by a newer code, or burnt by wrong tries
    failures: Mapped[int] = mapped_column(default=0)


class SubmissionKey(Base):
    """A form's one-time submission key, committed with the act it submitted: a repeat of the
    same post (double click, network retry) finds it and is answered with the first result.
    An API request's `Idempotency-Key` too (scoped to actor and endpoint, `api.` prefix): it
    also keeps the request's fingerprint and the first answer's status and body."""

    __tablename__ = "submission_key"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    actor: Mapped[str] = mapped_column(String(80))
    endpoint: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(index=True)
    result: Mapped[str | None] = mapped_column(String(500))  # where the first answer sent the user
    fingerprint: Mapped[str | None] = mapped_column(String(64))  # API: SHA-256 of path and body
    status: Mapped[int | None]  # API: the first answer's status and body, replayed
    body: Mapped[str | None] = mapped_column(Text)
