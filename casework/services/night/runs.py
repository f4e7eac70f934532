"""Runs and batches of the night shift: planned once, claimed by one worker, done once.

`open_run` plans a run's work into coarse batches (or finds the run already planned, so
a rerun resumes it); `work_batches` claims one batch at a time — FOR UPDATE SKIP LOCKED
on PostgreSQL, BEGIN IMMEDIATE serialises SQLite — does it and marks it done. A batch a
killed worker held is free again when its lease runs out; its work is idempotent, so
the retry repeats no effect. A batch that raises marks the run failed with its error
(`fail_run`); opening the run again resumes it.
"""
from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Callable

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError

from casework import audit, clock
from casework.errors import InvalidInput, NotFound
from casework.models.night import NightBatch, NightRun

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from casework.storage.unit_of_work import UnitOfWork

LEASE_S = float(os.environ.get("CASEWORK_NIGHT_LEASE_S", "600"))
log = logging.getLogger(__name__)
ERROR_CHARS = 500  # what the scheduler page shows of a failure
STALL_S = 120  # a running run nobody has claimed or finished a batch of for this long: its worker died
Plan = Callable[["Session"], list]
Work = Callable[[list], dict]
Progress = Callable[["RunInfo"], None]


@dataclass
class RunInfo:
    """A run as plain values: what the flows return and the scheduler page shows."""

    id: int
    flow: str
    run_key: str
    state: str
    batches: int
    done: int
    counts: dict = field(default_factory=dict)
    result: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)
    started_at: object = None
    finished_at: object = None
    prefect_run_id: str | None = None
    error: str | None = None

    @property
    def duration_s(self) -> float | None:
        if self.finished_at is None:
            return None
        return round((self.finished_at - self.started_at).total_seconds(), 3)


@dataclass(frozen=True)
class Claim:
    batch_id: int
    seq: int
    items: list
    attempts: int


def worker_name() -> str:
    """Who claims: host and process (a killed worker's claims age out by lease)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def chunk(items: list, size: int) -> list[list]:
    if size < 1:
        raise InvalidInput(f"批大小须为正数 / batch size must be positive: {size}")
    return [items[i:i + size] for i in range(0, len(items), size)]


def open_run(uow: UnitOfWork, flow: str, run_key: str, plan: Plan, *, actor: str, batch_size: int = 200,
             params: dict | None = None, prefect_run_id: str | None = None) -> RunInfo:
    """The run of `flow` for `run_key`: planned now, or the one already planned (resumed;
    a failed one runs again from its first unfinished batch)."""
    with uow:
        found = _find(uow.session, flow, run_key)
        if found is not None:
            if found.state == "failed":
                _resume(uow, found, actor, prefect_run_id)
            return info(uow.session, found)
        now = clock.now()
        batches = chunk(list(plan(uow.session)), batch_size)
        run = NightRun(flow=flow, run_key=run_key, state="running", params=params or {},
                       counts={}, result={}, batches=len(batches), prefect_run_id=prefect_run_id,
                       started_at=now)
        uow.session.add(run)
        try:
            uow.session.flush()
        except IntegrityError:  # planned meanwhile by another worker: use that plan
            uow.rollback()
            return info(uow.session, _find(uow.session, flow, run_key))
        uow.session.add_all(NightBatch(run_id=run.id, seq=i, items=items, state="pending",
                                       attempts=0, counts={}) for i, items in enumerate(batches))
        audit.record(uow.session, actor, "night.run_planned", f"night_run:{run.id}",
                     {"flow": flow, "run_key": run_key, "batches": len(batches),
                      "items": sum(map(len, batches)), "params": params or {}})
        uow.commit()
        return info(uow.session, run)


def claim_batch(uow: UnitOfWork, run_id: int, worker: str, lease_s: float = LEASE_S) -> Claim | None:
    """Take the next pending batch (or one whose lease ran out, or our own); None when none."""
    with uow:
        s = uow.session
        now = clock.now()
        query = (select(NightBatch).where(
            NightBatch.run_id == run_id,
            or_(NightBatch.state == "pending",
                and_(NightBatch.state == "claimed",
                     or_(NightBatch.lease_until < now, NightBatch.claimed_by == worker))))
            .order_by(NightBatch.seq).limit(1))
        if s.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        batch = s.scalars(query).first()
        if batch is None:
            return None
        batch.state, batch.claimed_by = "claimed", worker
        batch.attempts += 1
        batch.lease_until = now + timedelta(seconds=lease_s)
        claim = Claim(batch.id, batch.seq, list(batch.items), batch.attempts)
        uow.commit()
        return claim


def finish_batch(uow: UnitOfWork, claim: Claim, counts: dict) -> bool:
    """Mark a claimed batch done with its counts; False if it was done already."""
    with uow:
        batch = uow.session.get(NightBatch, claim.batch_id, with_for_update=True)
        if batch is None or batch.state == "done":
            return False
        batch.state, batch.counts, batch.done_at = "done", dict(counts), clock.now()
        batch.lease_until = None
        uow.commit()
        return True


def close_run(uow: UnitOfWork, run_id: int, actor: str) -> RunInfo:
    """Sum the batches' counts; the run is done when every batch is."""
    with uow:
        s = uow.session
        run = s.get(NightRun, run_id, with_for_update=True)
        if run is None:
            raise NotFound(f"no night run {run_id}")
        rows = s.execute(select(NightBatch.state, NightBatch.counts).where(NightBatch.run_id == run_id)).all()
        run.counts = totals = _totals(rows)
        if run.state != "done" and all(state == "done" for state, _ in rows):  # failed: redone by another
            run.state, run.error, run.finished_at = "done", None, clock.now()
            audit.record(s, actor, "night.run_done", f"night_run:{run.id}",
                         {"flow": run.flow, "run_key": run.run_key, "counts": totals})
        uow.commit()
        return info(s, run)


def add_result(uow: UnitOfWork, run_id: int, facts: dict) -> None:
    """Record run-level facts (a report, a draw) once; later calls keep the first value."""
    with uow:
        run = uow.session.get(NightRun, run_id, with_for_update=True)
        run.result = {**facts, **(run.result or {})}
        uow.commit()


def work_batches(uow: UnitOfWork, run_id: int, work: Work, *, actor: str, worker: str | None = None,
                 lease_s: float = LEASE_S, progress: Progress | None = None,
                 max_batches: int | None = None) -> RunInfo:
    """Claim, do and finish batches until none is left for us; returns the run's state.

    A batch that raises fails the run (its message kept for the scheduler page), frees
    that batch and re-raises; running the flow again with the run's key resumes it."""
    worker = worker or worker_name()
    done = 0
    while max_batches is None or done < max_batches:
        claim = claim_batch(uow, run_id, worker, lease_s)
        if claim is None:
            break
        try:
            counts = work(claim.items)
        except Exception as exc:
            _record_failure(uow, run_id, exc, actor, claim)
            raise
        finish_batch(uow, claim, counts)
        done += 1
        if progress:
            with uow:
                progress(info(uow.session, uow.session.get(NightRun, run_id)))
    return close_run(uow, run_id, actor)


def fail_run(uow: UnitOfWork, run_id: int, error: str, actor: str, claim: Claim | None = None) -> None:
    """Mark a run failed with one line of why; the failed batch is free again at once (its
    work is idempotent), the done ones stay done."""
    error = " ".join(error.split())[:ERROR_CHARS]
    with uow:
        run = uow.session.get(NightRun, run_id, with_for_update=True)
        if run is None or run.state == "done":
            return
        if claim is not None:
            batch = uow.session.get(NightBatch, claim.batch_id, with_for_update=True)
            if batch is not None and batch.state == "claimed":
                batch.state, batch.claimed_by, batch.lease_until = "pending", None, None
        run.state, run.error = "failed", error
        run.counts = _totals(uow.session.execute(select(NightBatch.state, NightBatch.counts).where(
            NightBatch.run_id == run_id)).all())  # what the done batches did
        audit.record(uow.session, actor, "night.run_failed", f"night_run:{run.id}",
                     {"flow": run.flow, "run_key": run.run_key, "error": error,
                      "batch": claim.seq if claim else None})
        uow.commit()


def _record_failure(uow: UnitOfWork, run_id: int, exc: Exception, actor: str, claim: Claim) -> None:
    """fail_run, best effort: when the database itself is gone, the lease frees the batch."""
    try:
        fail_run(uow, run_id, f"{type(exc).__name__}: {exc}", actor, claim)
    except Exception:  # noqa: BLE001 - the batch's own error is the one to raise
        log.warning("could not record the failure of night run %s", run_id, exc_info=True)


def _resume(uow: UnitOfWork, run: NightRun, actor: str, prefect_run_id: str | None) -> None:
    uow.session.refresh(run, with_for_update=True)
    if run.state != "failed":  # resumed meanwhile by another worker
        return
    run.state, run.error = "running", None
    if prefect_run_id:
        run.prefect_run_id = prefect_run_id  # the page links the run that is working on it now
    audit.record(uow.session, actor, "night.run_resumed", f"night_run:{run.id}",
                 {"flow": run.flow, "run_key": run.run_key})
    uow.commit()


def info(session: Session, run: NightRun) -> RunInfo:
    done = session.scalar(select(func.count()).select_from(NightBatch).where(
        NightBatch.run_id == run.id, NightBatch.state == "done"))
    return RunInfo(run.id, run.flow, run.run_key, run.state, run.batches, done or 0,
                   dict(run.counts or {}), dict(run.result or {}), dict(run.params or {}),
                   clock.as_utc(run.started_at),
                   clock.as_utc(run.finished_at) if run.finished_at else None, run.prefect_run_id,
                   run.error)


def recent_runs(uow: UnitOfWork, flow: str | None = None, limit: int = 10) -> list[RunInfo]:
    """The latest runs (of one flow, or all), newest first."""
    with uow:
        query = select(NightRun).order_by(NightRun.started_at.desc(), NightRun.id.desc()).limit(limit)
        if flow:
            query = query.where(NightRun.flow == flow)
        return [info(uow.session, r) for r in uow.session.scalars(query)]


def _totals(rows) -> dict:
    """The counts of the done batches, summed."""
    totals: dict = {}
    for state, counts in rows:
        if state == "done":
            for k, v in (counts or {}).items():
                totals[k] = totals.get(k, 0) + v
    return totals


def stalled(uow: UnitOfWork, run_ids: list[int]) -> set[int]:
    """The running runs among `run_ids` that no worker is working on: no batch under a live
    lease, nothing planned, claimed or finished for STALL_S (a worker killed, its lease
    lapsed, no retry coming). A rerun resumes them."""
    if not run_ids:
        return set()
    now = clock.now()
    with uow:
        s = uow.session
        live = set(s.scalars(select(NightBatch.run_id).where(
            NightBatch.run_id.in_(run_ids), NightBatch.state == "claimed", NightBatch.lease_until >= now)))
        rows = s.execute(select(NightRun.id, NightRun.started_at, func.max(NightBatch.done_at),
                                func.max(NightBatch.lease_until))
                         .outerjoin(NightBatch, NightBatch.run_id == NightRun.id)
                         .where(NightRun.id.in_(run_ids), NightRun.state == "running")
                         .group_by(NightRun.id, NightRun.started_at)).all()
    out = set()
    for run_id, started, done, lease in rows:
        claimed = clock.as_utc(lease) - timedelta(seconds=LEASE_S) if lease else None
        last = max(clock.as_utc(t) for t in (started, done, claimed) if t is not None)
        if run_id not in live and (now - last).total_seconds() > STALL_S:
            out.add(run_id)
    return out


def get_run(uow: UnitOfWork, run_id: int) -> RunInfo:
    with uow:
        run = uow.session.get(NightRun, run_id)
        if run is None:
            raise NotFound(f"没有此运行 / no night run {run_id}")
        return info(uow.session, run)


def _find(session: Session, flow: str, run_key: str) -> NightRun | None:
    return session.scalars(select(NightRun).where(NightRun.flow == flow, NightRun.run_key == run_key)).first()
