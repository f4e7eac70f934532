"""Serve the deployments here, or register them on a work pool for process workers elsewhere."""
from __future__ import annotations

from typing import Callable

from prefect import serve
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.deployments import run_deployment
from prefect.exceptions import ObjectAlreadyExists
from prefect.settings import PREFECT_API_URL, temporary_settings

from workflows.deployments import deployments, ping_deployment
from workflows.flows import FLOWS


def serve_all(api_url: str, account: str, echo: Callable[[str], None] = print, limit: int | None = None) -> None:
    """Serve every deployment (and `ping`) until interrupted; stopping pauses their schedules.

    Flow runs are subprocesses of this one: they act as `account` (this process's
    CASEWORK_SYSTEM_ACCOUNT)."""
    with temporary_settings(updates={PREFECT_API_URL: api_url}):
        found = deployments(account) + [ping_deployment()]
        echo("serving: " + ", ".join(f"{d.flow_name}/{d.name}" for d in found))
        serve(*found, limit=limit, print_starting_message=False)


def ensure_pool(api_url: str, pool: str) -> None:
    with temporary_settings(updates={PREFECT_API_URL: api_url}), get_client(sync_client=True) as client:
        try:
            client.create_work_pool(WorkPoolCreate(name=pool, type="process"))
        except ObjectAlreadyExists:
            pass


def register(api_url: str, pool: str, account: str, *, paused: bool = False) -> list[str]:
    """Create the process work pool if needed and apply each deployment to it (acting as `account`)."""
    ensure_pool(api_url, pool)
    names = []
    with temporary_settings(updates={PREFECT_API_URL: api_url}):
        for deployment in deployments(account, work_pool=pool, paused=paused) + [ping_deployment(work_pool=pool)]:
            deployment.apply(work_pool_name=pool)
            names.append(f"{deployment.flow_name}/{deployment.name}")
    return names


def trigger(api_url: str, name: str, parameters: dict | None = None, *, wait_s: float | None = None):
    """Create a run of deployment `name` ("flow/deployment"); wait for it when `wait_s` is given."""
    with temporary_settings(updates={PREFECT_API_URL: api_url}):
        return run_deployment(name, parameters=parameters or {}, timeout=wait_s if wait_s is not None else 0,
                              poll_interval=1, as_subflow=False)


def run_in_process(flow: str, **parameters) -> dict:
    """Run one flow here as a Prefect flow run (PREFECT_API_URL, or a temporary local server)."""
    allowed = FLOWS[flow].parameters.properties
    return FLOWS[flow](**{k: v for k, v in parameters.items() if k in allowed and v is not None})

