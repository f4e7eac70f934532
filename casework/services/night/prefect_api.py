"""The scheduler page's "run now" and "re-run": ask the Prefect server (REST) for a run of a
deployment; the scheduler (or a worker) runs it as the system account.

Plain HTTP to PREFECT_API_URL, so doors that must not import Prefect (web) can offer it.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import TYPE_CHECKING

from casework import audit, clock
from casework.errors import CaseworkError, Conflict, InvalidInput
from casework.services.night import deadlines, runs
from casework.services.night.schedule import DEPLOYMENT, PLANS

if TYPE_CHECKING:
    from casework.services.actor import Actor
    from casework.storage.unit_of_work import UnitOfWork


TIMEOUT_S = 10


class PrefectUnavailable(CaseworkError):
    status = 503


def _call(url: str, body: dict | None = None) -> dict:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method="GET" if body is None else "POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as resp:
            return json.loads(resp.read())
    except (OSError, urllib.error.URLError, ValueError) as exc:
        raise PrefectUnavailable(f"调度服务不可用 / the Prefect server did not answer: {exc}") from None


def run_now(api_url: str, flow: str, parameters: dict | None = None) -> str:
    """Create a run of `<flow>/nightly` now; the scheduler or a worker picks it up. Returns its id."""
    if flow not in {p.flow for p in PLANS}:
        raise InvalidInput(f"未知流程 / unknown flow {flow!r}")
    base = api_url.rstrip("/")
    name = "/".join(urllib.parse.quote(part, safe="") for part in (flow, DEPLOYMENT))
    deployment = _call(f"{base}/deployments/name/{name}")
    run = _call(f"{base}/deployments/{deployment['id']}/create_flow_run",
                {"parameters": parameters or {}, "tags": ["run-now"]})
    return run["id"]


def now_parameters(flow: str) -> dict:
    """What "run now" passes: a sweep of its own (this slot's may be done); a nightly flow runs
    its day (done already: nothing happens twice)."""
    return {"run_key": deadlines.manual_key(clock.now())} if flow == "deadline_sweep" else {}


def request_run(uow: UnitOfWork, *, actor: Actor, api_url: str, flow: str) -> str:
    """A scheduler asks for a flow run now (the page's button); recorded in the audit chain."""
    actor.require("scheduler")
    run_id = run_now(api_url, flow, now_parameters(flow))
    with uow:
        audit.record(uow.session, actor.name, "scheduler.run_requested", f"flow:{flow}", {"prefect_run_id": run_id})
        uow.commit()
    return run_id


def request_rerun(uow: UnitOfWork, *, actor: Actor, api_url: str, run_id: int) -> str:
    """A scheduler re-runs a failed (or stalled) night: a flow run with its run key resumes it
    where it stopped (done batches stay done). Recorded in the audit chain; returns the Prefect run id."""
    actor.require("scheduler")
    run = runs.get_run(uow, run_id)
    if run.state != "failed" and run_id not in runs.stalled(uow, [run_id]):
        raise Conflict(f"只有失败或停滞的运行可以重跑 / only a failed or stalled run can be re-run: "
                       f"{run.flow} {run.run_key} is {run.state}")
    prefect_run_id = run_now(api_url, run.flow, {"run_key": run.run_key})
    with uow:
        audit.record(uow.session, actor.name, "scheduler.rerun_requested", f"night_run:{run.id}",
                     {"flow": run.flow, "run_key": run.run_key, "prefect_run_id": prefect_run_id})
        uow.commit()
    return prefect_run_id
