"""The night's schedule as data: each flow's cron (Asia/Shanghai) and what it is for.

`workflows.deployments` builds Prefect deployments from it; the scheduler page shows it.
"""
from __future__ import annotations

from dataclasses import dataclass

TIMEZONE = "Asia/Shanghai"
DEPLOYMENT = "nightly"  # each flow's deployment name: "<flow>/nightly"


@dataclass(frozen=True)
class Plan:
    """One deployment: its flow, schedule and what it is for."""

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
    Plan("web_state_purge", "30 4 * * *", "每日 04:30：过期的一次性表单键、令牌、激活码清理",
         "nightly 04:30: expired one-time keys, tokens, activation codes"),
    Plan("audit_verify", "0 5 * * 0", "每周日 05:00：审计链与录像链校验", "Sundays 05:00: audit and camera chains"),
)
