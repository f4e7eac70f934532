"""Deployments of the night's flows with their cron schedules in Asia/Shanghai.

Each acts as the system account `account`: on a work pool the deployment carries it in its
job variables (`env`), so every worker's flow-run process gets it; served by `casework
scheduler` (Prefect allows job variables on work pools only), its runs inherit the
scheduler's own CASEWORK_SYSTEM_ACCOUNT, which names the same account.
"""
from __future__ import annotations

from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.schedules import Cron

from casework.cli.operator import SYSTEM_ACCOUNT_ENV
from casework.services.night.schedule import DEPLOYMENT, PLANS, TIMEZONE
from workflows.flows import FLOWS, ping


def deployments(account: str, *, work_pool: str | None = None, paused: bool = False) -> list[RunnerDeployment]:
    """One deployment per flow (module entrypoints, so workers elsewhere import the package)."""
    out = []
    for plan in PLANS:
        out.append(FLOWS[plan.flow].to_deployment(
            name=DEPLOYMENT, schedule=Cron(plan.cron, timezone=TIMEZONE), paused=paused,
            description=f"{plan.zh} / {plan.en}", tags=["casework"], work_pool_name=work_pool,
            job_variables={"env": {SYSTEM_ACCOUNT_ENV: account}} if work_pool else None,
            entrypoint_type=EntrypointType.MODULE_PATH))
    return out


def ping_deployment(*, work_pool: str | None = None) -> RunnerDeployment:
    """An unscheduled empty flow: measures what one deployment run costs."""
    return ping.to_deployment(name="ping", work_pool_name=work_pool, tags=["casework"],
                              entrypoint_type=EntrypointType.MODULE_PATH)
