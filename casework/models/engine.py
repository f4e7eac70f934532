"""Process model versions, instances and their derived, indexed rows (work items, timers)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, JSONType, OrderedJSONType

# Work items without a due date sort after every dated one (portable "nulls last").
NO_DUE = datetime(9999, 12, 31)


class ModelVersion(Base):
    """An immutable deployed BPMN model: XML, the forms it uses and the parsed spec."""

    __tablename__ = "engine_model_version"
    __table_args__ = (UniqueConstraint("key", "version"), Index("ix_engine_model_key_sha", "key", "sha256"))

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    process_id: Mapped[str] = mapped_column(String(120))
    bpmn_xml: Mapped[str] = mapped_column(Text)
    forms: Mapped[dict] = mapped_column(OrderedJSONType, default=dict)  # field order kept
    spec_json: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    deployed_by: Mapped[str] = mapped_column(String(100))
    deployed_at: Mapped[datetime]


class ProcessInstance(Base):
    """One running (or finished) process: SpiffWorkflow state without the spec."""

    __tablename__ = "engine_instance"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    model_version_id: Mapped[int] = mapped_column(ForeignKey("engine_model_version.id"), index=True)
    key: Mapped[str] = mapped_column(String(80), index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default="running", index=True)
    state: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict] = mapped_column(JSONType, default=dict)
    case_ref: Mapped[str | None] = mapped_column(String(80), index=True)
    unit_id: Mapped[int | None] = mapped_column(Integer, index=True)
    jurisdiction_id: Mapped[int | None] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)

    __mapper_args__ = {"version_id_col": revision}


class WorkItem(Base):
    """One READY user task: the rows a queue reads (derived after every step)."""

    __tablename__ = "engine_work_item"
    __table_args__ = (
        UniqueConstraint("instance_id", "task_id"),
        Index("ix_engine_work_item_role_sort", "role", "sort_at", "id"),
        Index("ix_engine_work_item_unit_sort", "unit_id", "sort_at", "id"),
        # Claimed tasks only ("mine", "claimed"): unclaimed ones have their own partial indexes,
        # and a NULL key here lured the planner off them for a deep page of unclaimed tasks.
        Index("ix_engine_work_item_assignee_sort", "assignee", "sort_at", "id",
              sqlite_where=text("assignee IS NOT NULL"), postgresql_where=text("assignee IS NOT NULL")),
        Index("ix_engine_work_item_sort", "sort_at", "id"),
        # The queue's usual asks: a lane filtered by process, a lane's unclaimed tasks, and the
        # two together (a clerk's daily view: a seek straight to the page, however the
        # lane's deadlines fall between processes).
        Index("ix_engine_work_item_role_key_sort", "role", "key", "sort_at", "id"),
        Index("ix_engine_work_item_unclaimed_sort", "role", "sort_at", "id",
              sqlite_where=text("assignee IS NULL"), postgresql_where=text("assignee IS NULL")),
        Index("ix_engine_work_item_unclaimed_key_sort", "role", "key", "sort_at", "id",
              sqlite_where=text("assignee IS NULL"), postgresql_where=text("assignee IS NULL")),
        {"sqlite_autoincrement": True},  # ids are handed to users: never reuse one
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Covered by the unique (instance_id, task_id) index: no index of its own.
    instance_id: Mapped[int] = mapped_column(ForeignKey("engine_instance.id", ondelete="CASCADE"))
    task_id: Mapped[str] = mapped_column(String(36))
    task_spec: Mapped[str] = mapped_column(String(120))
    key: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    form_key: Mapped[str | None] = mapped_column(String(80))
    unit_id: Mapped[int | None] = mapped_column(Integer)
    jurisdiction_id: Mapped[int | None] = mapped_column(Integer, index=True)
    case_ref: Mapped[str | None] = mapped_column(String(80), index=True)
    assignee: Mapped[str | None] = mapped_column(String(80))
    claimed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    sort_at: Mapped[datetime]  # due_at, or NO_DUE: keyset paging sorts on (sort_at, id)

    @property
    def cursor(self) -> tuple[datetime, int]:
        """The `after=` value that continues a listing after this item."""
        return (self.sort_at, self.id)


class Timer(Base):
    """One waiting timer event of an instance; the sweep selects due rows by index."""

    __tablename__ = "engine_timer"
    __table_args__ = (
        UniqueConstraint("instance_id", "task_id"),
        Index("ix_engine_timer_due", "due_at", "id"),  # the sweep's ORDER BY due_at, id: no sort step
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Covered by the unique (instance_id, task_id) index: no index of its own.
    instance_id: Mapped[int] = mapped_column(ForeignKey("engine_instance.id", ondelete="CASCADE"))
    task_id: Mapped[str] = mapped_column(String(36))
    name: Mapped[str] = mapped_column(String(120))
    due_at: Mapped[datetime]


class Incident(Base):
    """A step refused for going over its budget: what, where, by whom; the manager's list."""

    __tablename__ = "engine_incident"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign key: a refused start leaves no instance row to point at.
    instance_id: Mapped[int | None] = mapped_column(Integer, index=True)
    key: Mapped[str] = mapped_column(String(80))
    element: Mapped[str] = mapped_column(String(120))
    limit: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(index=True)
