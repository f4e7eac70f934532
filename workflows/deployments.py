"""Deployments of the night's flows with their cron schedules in Asia/Shanghai."""
from __future__ import annotations

from dataclasses import dataclass

from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.schedules import Cron

from workflows.flows import FLOWS, ping

TIMEZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class Plan:
    """One deployment: its flow, schedule and what it is for (shown on the scheduler page)."""

    flow: str
    cron: str
    zh: str
    en: str


PLANS = (
    Plan("deadline_sweep", "*/15 * * * *", "每15分钟：到期定时器、逾期立案", "every 15 min: due timers, missed windows"),
    Plan("retention_sweep", "30 2 * * *", "每日 02:30：录像保存期清理", "nightly 02:30: footage past retention"),
    Plan("recorder_health", "0 3 * * *", "每日 03:00：录像质量与小时汇总", "nightly 03:00: recorder health, camera hours"),
    Plan("inspection_cycle", "30 3 * * *", "每日 03:30：双随机抽查", "nightly 03:30: random inspections (双随机)"),
    Plan("notice_batch", "0 4 * * *", "每日 04:00：文书核验", "nightly 04:00: document check"),
    Plan("audit_verify", "0 5 * * 0", "每周日 05:00：审计链与录像链校验", "Sundays 05:00: audit and camera chains"),
)
DEPLOYMENT = "nightly"  # each flow's deployment name: "<flow>/nightly"


def deployments(*, work_pool: str | None = None, paused: bool = False) -> list[RunnerDeployment]:
    """One deployment per flow (module entrypoints, so workers elsewhere import the package)."""
    out = []
    for plan in PLANS:
        out.append(FLOWS[plan.flow].to_deployment(
            name=DEPLOYMENT, schedule=Cron(plan.cron, timezone=TIMEZONE), paused=paused,
            description=f"{plan.zh} / {plan.en}", tags=["casework"], work_pool_name=work_pool,
            entrypoint_type=EntrypointType.MODULE_PATH))
    return out


def ping_deployment(*, work_pool: str | None = None) -> RunnerDeployment:
    """An unscheduled empty flow: measures what one deployment run costs."""
    return ping.to_deployment(name="ping", work_pool_name=work_pool, tags=["casework"],
                              entrypoint_type=EntrypointType.MODULE_PATH)
