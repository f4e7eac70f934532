"""The Prefect flows: thin wrappers over `jobs`, retried by Prefect, progress in our database.

Every flow acts as the system account CASEWORK_SYSTEM_ACCOUNT names (its audit events carry
that account and the OS user); without one it fails with that message. `run_key` joins or
resumes a run (the scheduler page's re-run of a failed night passes it)."""
from __future__ import annotations

from prefect import flow, get_run_logger
from prefect.runtime import flow_run

from workflows import context, jobs

RETRIES = 2
RETRY_DELAY_S = 30


def _run(name: str, **options) -> dict:
    logger = get_run_logger()
    app = context.container()
    actor = context.system_actor(app)  # a deployment run acts as the system account, or not at all

    def progress(run):
        logger.info("%s %s: batch %d/%d %s", name, run.run_key, run.done, run.batches, run.counts)

    run_id = flow_run.get_id()
    opts = jobs.Options(actor, prefect_run_id=str(run_id) if run_id else None, progress=progress, **options)
    run = jobs.run_job(name, app, opts)
    logger.info("%s %s as %s: %s, %s", name, run.run_key, actor.name, run.state, run.counts)
    return jobs.as_counts(run)


@flow(name="deadline_sweep", retries=RETRIES, retry_delay_seconds=RETRY_DELAY_S)
def deadline_sweep(run_key: str | None = None, batch_size: int = 200,
                   max_batches: int | None = None) -> dict:
    """到期定时器（逾期未备案等）分批触发 / fire due timers in batches; report provisional deadlines."""
    return _run("deadline_sweep", run_key=run_key, batch_size=batch_size, max_batches=max_batches)


@flow(name="retention_sweep", retries=RETRIES, retry_delay_seconds=RETRY_DELAY_S)
def retention_sweep(day: str | None = None, run_key: str | None = None) -> dict:
    """超过保存期且未保全的录像清理 / delete footage past retention and not held."""
    return _run("retention_sweep", on=jobs.parse_day(day), run_key=run_key)


@flow(name="recorder_health", retries=RETRIES, retry_delay_seconds=RETRY_DELAY_S)
def recorder_health(day: str | None = None, batch_size: int = 50, run_key: str | None = None) -> dict:
    """录像质量、摄像机小时汇总与违法线索 / quality, camera-hour summaries, sanctioned violations."""
    return _run("recorder_health", on=jobs.parse_day(day), batch_size=batch_size, run_key=run_key)


@flow(name="inspection_cycle", retries=RETRIES, retry_delay_seconds=RETRY_DELAY_S)
def inspection_cycle(day: str | None = None, seed: int | None = None, run_key: str | None = None) -> dict:
    """双随机抽查 / draw units and inspectors from a recorded seed; open inspection cases."""
    return _run("inspection_cycle", on=jobs.parse_day(day), seed=seed, run_key=run_key)


@flow(name="notice_batch", retries=RETRIES, retry_delay_seconds=RETRY_DELAY_S)
def notice_batch(day: str | None = None, run_key: str | None = None) -> dict:
    """文书核验 / check documents issued since the last batch; count unserved ones."""
    return _run("notice_batch", on=jobs.parse_day(day), run_key=run_key)


@flow(name="audit_verify", retries=RETRIES, retry_delay_seconds=RETRY_DELAY_S)
def audit_verify(day: str | None = None, run_key: str | None = None) -> dict:
    """审计链与各摄像机录像链校验 / verify the audit chain and every camera's chain."""
    return _run("audit_verify", on=jobs.parse_day(day), run_key=run_key)


@flow(name="web_state_purge", retries=RETRIES, retry_delay_seconds=RETRY_DELAY_S)
def web_state_purge(day: str | None = None, run_key: str | None = None) -> dict:
    """过期网页状态清理 / purge expired one-time keys, API tokens, activation codes, failed sign-ins."""
    return _run("web_state_purge", on=jobs.parse_day(day), run_key=run_key)


@flow(name="ping")
def ping() -> dict:
    """An empty flow: the floor a deployment run costs (bench.flows' flow_overhead_s)."""
    return {}


FLOWS = {f.name: f for f in (deadline_sweep, retention_sweep, recorder_health, inspection_cycle,
                             notice_batch, audit_verify, web_state_purge)}
