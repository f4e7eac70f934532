"""The night's jobs as plain functions: plan a run (or resume it), work its batches, report.

A job is what a flow does without Prefect: `casework run` and the tests call these, the
flows in `flows.py` wrap them. No business logic here — only which service plans the
run, which service does a batch, and how the run is keyed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Callable

from casework import clock
from casework.errors import InvalidInput
from casework.services.night import deadlines, inspections, purge, records, runs
from recorder.health import night as recorder_night

if TYPE_CHECKING:
    from casework.bootstrap import Container
    from casework.services.actor import Actor
    from casework.services.night.runs import RunInfo

Progress = Callable[["RunInfo"], None]


@dataclass(frozen=True)
class Options:
    """What every job takes: who acts (the system account), the day (or slot) it is for, and
    how to cut and report it."""

    actor: Actor  # every audit event of the run names it
    on: date | None = None  # the local day a nightly job is for (default: yesterday for health, today otherwise)
    run_key: str | None = None  # override the key (two workers joining one run)
    batch_size: int | None = None
    prefect_run_id: str | None = None
    progress: Progress | None = None
    max_batches: int | None = None  # stop early (tests of a crash, a worker's share)
    seed: int | None = None  # inspection draw


def parse_day(text: str | None) -> date | None:
    if text in (None, ""):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"日期格式应为 YYYY-MM-DD / not a date: {text!r}") from None


def _open(container: Container, flow: str, key: str, plan, opts: Options, batch_size: int,
          params: dict) -> RunInfo:
    return runs.open_run(container.uow(), flow, opts.run_key or key, plan, actor=opts.actor.name,
                         batch_size=opts.batch_size or batch_size, params=params,
                         prefect_run_id=opts.prefect_run_id)


def _finish(container: Container, run: RunInfo, work, opts: Options) -> RunInfo:
    return runs.work_batches(container.uow(), run.id, work, actor=opts.actor.name,
                             progress=opts.progress, max_batches=opts.max_batches)


def deadline_sweep(container: Container, opts: Options) -> RunInfo:
    """Fire due timers in batches (missed windows open their violations); report provisional dates."""
    now = clock.now()
    run = _open(container, "deadline_sweep", deadlines.slot_key(now), deadlines.plan_due_timers(now), opts,
                200, {"now": now.isoformat()})
    planned_now = clock.parse_iso(run.params["now"])
    runs.add_result(container.uow(), run.id, deadlines.provisional_deadlines(container))
    return _finish(container, run,
                   lambda ids: deadlines.fire_batch(container, ids, planned_now, opts.actor.name), opts)


def retention_sweep(container: Container, opts: Options) -> RunInfo:
    """The recorder's retention sweep, once a night (one coarse batch; the sweep resumes itself)."""
    day = opts.on or clock.today_local()
    run = _open(container, "retention_sweep", day.isoformat(), lambda _s: ["all"], opts, 1,
                {"on": day.isoformat()})
    return _finish(container, run, lambda _items: recorder_night.retention_batch(container, actor=opts.actor.name), opts)


def recorder_health(container: Container, opts: Options) -> RunInfo:
    """Quality checks, camera-hour summaries and sanctioned violations for one local day."""
    day = opts.on or date.fromordinal(clock.today_local().toordinal() - 1)
    run = _open(container, "recorder_health", day.isoformat(), recorder_night.plan_cameras, opts, 50,
                {"on": day.isoformat()})
    day = date.fromisoformat(run.params["on"])
    return _finish(container, run, lambda ids: recorder_night.health_batch(container, ids, day, actor=opts.actor.name), opts)


def inspection_cycle(container: Container, opts: Options) -> RunInfo:
    """Draw due units and inspectors (双随机) from a recorded seed; open their inspection cases."""
    day = opts.on or clock.today_local()
    seed = opts.seed if opts.seed is not None else inspections.new_seed()
    run = _open(container, "inspection_cycle", day.isoformat(), inspections.plan_draw(day, seed, opts.actor),
                opts, 50, {"on": day.isoformat(), "seed": seed, "started": clock.now().isoformat()})
    since = clock.parse_iso(run.params["started"])
    return _finish(container, run,
                   lambda items: inspections.open_drawn(container.uow(), items, since, opts.actor), opts)


def notice_batch(container: Container, opts: Options) -> RunInfo:
    """Check the documents issued since the last batch against their hashes; count unserved ones."""
    day = opts.on or clock.today_local()
    with container.uow() as uow:
        after, upto = records.last_checked_document(uow.session), records.newest_document(uow.session)
    run = _open(container, "notice_batch", day.isoformat(), records.plan_documents(after, upto), opts, 200,
                {"on": day.isoformat(), "after": after, "upto": upto})
    return _finish(container, run,
                   lambda ids: records.check_documents(container, ids, opts.actor.name), opts)


def audit_verify(container: Container, opts: Options) -> RunInfo:
    """The audit chain, then every camera's hash chain in batches."""
    day = opts.on or clock.today_local()
    run = _open(container, "audit_verify", day.isoformat(), recorder_night.plan_chains, opts, 20,
                {"on": day.isoformat()})
    if "audit_checked" not in run.result:
        runs.add_result(container.uow(), run.id, records.verify_audit(container))
    return _finish(container, run, lambda ids: recorder_night.chains_batch(container, ids, actor=opts.actor.name), opts)


def web_state_purge(container: Container, opts: Options) -> RunInfo:
    """Expired web state purged (one batch per table): one-time keys, dead tokens and codes, old
    failed sign-ins. The cutoffs count from the run's planned time, so a resumed run purges the same."""
    day = opts.on or clock.today_local()
    run = _open(container, "web_state_purge", day.isoformat(), purge.plan, opts, 1,
                {"on": day.isoformat(), "now": clock.now().isoformat()})
    planned_now = clock.parse_iso(run.params["now"])
    return _finish(container, run,
                   lambda kinds: purge.purge(container.uow(), kinds, planned_now, opts.actor.name), opts)


JOBS: dict[str, Callable[[Container, Options], RunInfo]] = {
    "deadline_sweep": deadline_sweep,
    "retention_sweep": retention_sweep,
    "recorder_health": recorder_health,
    "inspection_cycle": inspection_cycle,
    "notice_batch": notice_batch,
    "audit_verify": audit_verify,
    "web_state_purge": web_state_purge,
}


def run_job(name: str, container: Container, opts: Options) -> RunInfo:
    if name not in JOBS:
        raise InvalidInput(f"未知流程 / unknown flow {name!r}: one of {', '.join(JOBS)}")
    return JOBS[name](container, opts)


def as_counts(run: RunInfo) -> dict:
    """What a flow returns (and Prefect stores): the run's id, state and counts."""
    return {"night_run": run.id, "run_key": run.run_key, "state": run.state,
            "batches": run.batches, "done": run.done, **run.counts}
