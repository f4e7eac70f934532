"""Users and their roles; bureau staff belong to a jurisdiction, unit users to a unit."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
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
