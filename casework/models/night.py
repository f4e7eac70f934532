"""The night shift's own progress: one row per flow run, its work cut into coarse batches.

Prefect schedules and retries; these rows decide what is done. A batch is claimed by
one worker at a time (FOR UPDATE SKIP LOCKED on PostgreSQL) under a lease, so a worker
killed mid-batch costs a retry of that batch after the lease, never a second effect
(each batch's work is itself idempotent).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, JSONType

RUN_STATES = ("running", "done", "failed")
BATCH_STATES = ("pending", "claimed", "done")


class NightRun(Base):
    """One run of a flow for one key (a day, a 15-minute slot): planned once, resumed after a crash."""

    __tablename__ = "night_run"
    __table_args__ = (UniqueConstraint("flow", "run_key"), Index("ix_night_run_flow_started", "flow", "started_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    flow: Mapped[str] = mapped_column(String(40))
    run_key: Mapped[str] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(12), default="running")
    params: Mapped[dict] = mapped_column(JSONType, default=dict)  # what the plan was made from
    counts: Mapped[dict] = mapped_column(JSONType, default=dict)  # summed over done batches
    result: Mapped[dict] = mapped_column(JSONType, default=dict)  # run-level facts (draws, reports)
    batches: Mapped[int] = mapped_column(Integer, default=0)
    prefect_run_id: Mapped[str | None] = mapped_column(String(40))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)


class NightBatch(Base):
    """A coarse slice of a run's work (ids to act on); done exactly once."""

    __tablename__ = "night_batch"
    __table_args__ = (UniqueConstraint("run_id", "seq"), Index("ix_night_batch_run_state", "run_id", "state", "seq"))

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("night_run.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    items: Mapped[list] = mapped_column(JSONType, default=list)
    state: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    lease_until: Mapped[datetime | None]
    counts: Mapped[dict] = mapped_column(JSONType, default=dict)
    done_at: Mapped[datetime | None]
