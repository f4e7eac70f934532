"""What the scheduler page shows, as plain values: each deployment, its schedule, its last runs.

Runs come from our database (night_run: state, progress in batches, counts, the error
of a failed run, the Prefect run id; a running run no worker has touched for a while is
shown `stalled`),
so the page works while the Prefect server is down; `prefect_ui` (e.g. the scheduler's
`Prefect UI:` address) turns run ids into links into Prefect's own UI.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from casework import clock
from casework.services.night import runs
from casework.services.night.schedule import DEPLOYMENT, PLANS, TIMEZONE

if TYPE_CHECKING:
    from casework.storage.unit_of_work import UnitOfWork


def run_link(prefect_ui: str | None, prefect_run_id: str | None) -> str | None:
    if not prefect_ui or not prefect_run_id:
        return None
    return f"{prefect_ui.rstrip('/')}/runs/flow-run/{prefect_run_id}"


def _run(run: runs.RunInfo, prefect_ui: str | None, stalled: set[int]) -> dict:
    state = "stalled" if run.id in stalled else run.state
    return {"id": run.id, "run_key": run.run_key, "state": state, "error": run.error,
            "rerun": state in ("failed", "stalled"),
            "started": clock.format_local(run.started_at, "%Y-%m-%d %H:%M:%S"),
            "duration_s": run.duration_s, "batches": run.batches, "done": run.done,
            "counts": run.counts, "result": {k: v for k, v in run.result.items() if k != "cases"},
            "prefect_run_id": run.prefect_run_id, "prefect_link": run_link(prefect_ui, run.prefect_run_id)}


def scheduler_page(uow: UnitOfWork, *, prefect_ui: str | None = None, last: int = 5) -> dict:
    """Every deployment with its cron (Asia/Shanghai), description (`title` by language) and its
    `last` runs, newest first."""
    deployments = []
    for plan in PLANS:
        recent = runs.recent_runs(uow, plan.flow, last)
        stalled = runs.stalled(uow, [r.id for r in recent if r.state == "running"])
        deployments.append({
            "flow": plan.flow, "deployment": f"{plan.flow}/{DEPLOYMENT}", "cron": plan.cron,
            "timezone": TIMEZONE, "title": {"zh": plan.zh, "en": plan.en},
            "last_state": recent[0].state if recent else None,
            "runs": [_run(r, prefect_ui, stalled) for r in recent]})
    failed = [{"flow": d["flow"], **r} for d in deployments for r in d["runs"] if r["rerun"]]
    return {"prefect_ui": prefect_ui, "deployments": deployments, "failed": failed}
