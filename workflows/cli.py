"""`casework scheduler` and `casework run FLOW` (plugged in through `casework.commands`)."""
from __future__ import annotations

import signal
import sys
from pathlib import Path

import click

from casework import clock
from casework.cli.context import AppContext, pass_app
from casework.errors import CaseworkError
from casework.services.night import deadlines, runs
from workflows import context, jobs, server as prefect_server


def prefect_home(app: AppContext) -> Path:
    return Path(app.container.settings.data_dir) / "prefect"


@click.command("scheduler")
@click.option("--port", type=int, default=0, help="本地 Prefect 服务器端口，0 为任一空闲端口 / local server port (0: a free one).")
@click.option("--prefect-database", envvar="CASEWORK_PREFECT_DATABASE_URL", default=None,
              help="本地 Prefect 服务器的 PostgreSQL 数据库 / PostgreSQL URL for the local Prefect server.")
@click.option("--work-pool", default=None,
              help="登记到工作池，由 `prefect worker start` 执行 / register on a work pool for process workers.")
@pass_app
def scheduler(app: AppContext, port: int, prefect_database: str | None, work_pool: str | None) -> None:
    """Start (or connect to, with PREFECT_API_URL) the Prefect server and serve the night's flows.

    The flows act as the system account CASEWORK_SYSTEM_ACCOUNT names (checked before anything starts)."""
    from workflows import serving

    actor = context.system_actor(app.container)
    signal.signal(signal.SIGTERM, _interrupt)  # stop like Ctrl-C: our Prefect server stops too
    server = prefect_server.connect_or_start(prefect_home(app), port=port or None,
                                             database_url=prefect_database)
    click.echo(f"Prefect API: {server.api_url}\nPrefect UI: {server.ui_url}", err=True)
    try:
        if work_pool:
            for name in serving.register(server.api_url, work_pool, actor.name):
                click.echo(f"deployment {name} → work pool {work_pool}")
            return
        click.echo(f"flows act as system account {actor.name}", err=True)
        serving.serve_all(server.api_url, actor.name, echo=lambda m: click.echo(m, err=True))
    except KeyboardInterrupt:
        click.echo("scheduler stopped; its deployments are paused until it serves again", err=True)
    finally:
        server.stop()


def _interrupt(*_args) -> None:
    raise KeyboardInterrupt


@click.command("run")
@click.argument("flow", type=click.Choice(sorted(jobs.JOBS)))
@click.option("--date", "day", default=None, help="所属日期（北京时间）/ the local day it is for, YYYY-MM-DD.")
@click.option("--run-key", default=None, help="续跑某次运行 / resume or join this run.")
@click.option("--seed", type=int, default=None, help="双随机种子 / inspection draw seed.")
@click.option("--batch-size", type=int, default=None)
@click.option("--via-prefect", is_flag=True, help="作为 Prefect 流程运行并记录 / run as a Prefect flow run.")
@pass_app
def run(app: AppContext, flow: str, day: str | None, run_key: str | None, seed: int | None,
        batch_size: int | None, via_prefect: bool) -> None:
    """Run one flow now (a missed night caught up), with a progress bar.

    It acts as the system account CASEWORK_SYSTEM_ACCOUNT names, like every scheduled command."""
    actor = context.system_actor(app.container)
    on = jobs.parse_day(day)
    if flow == "deadline_sweep" and run_key is None:  # a manual sweep is its own run
        run_key = deadlines.manual_key(clock.now())
    if via_prefect:
        from workflows import serving

        prefect_server.quiet_environment()
        context.install(app.container)
        click.echo(serving.run_in_process(flow, day=day, run_key=run_key, seed=seed))
        return
    bar = _Bar(flow)
    try:
        result = jobs.run_job(flow, app.container, jobs.Options(actor, on=on, run_key=run_key, seed=seed,
                                                                batch_size=batch_size, progress=bar))
    except Exception as exc:
        _explain_failure(app, flow, exc)
        raise
    finally:
        bar.close()
    counts = ", ".join(f"{k} {v}" for k, v in sorted(result.counts.items())) or "nothing to do"
    click.echo(f"{flow} {result.run_key}: {result.state} ({result.done}/{result.batches} batches) — {counts}")
    for key, value in sorted(result.result.items()):
        if key != "cases":
            click.echo(f"  {key}: {value}")


class RunFailed(CaseworkError):
    """A batch failed: the run is marked failed and resumes from there."""


def _explain_failure(app: AppContext, flow: str, exc: Exception) -> None:
    """One line: what failed, and the command that resumes it (done batches are kept)."""
    [last] = runs.recent_runs(app.container.uow(), flow, 1) or [None]
    if last is None or last.state != "failed":
        return
    raise RunFailed(f"{flow} {last.run_key} 失败 / failed ({last.done}/{last.batches} batches done): {last.error} — "
                    f"排除原因后续跑 / fix the cause, then resume: casework run {flow} --run-key {last.run_key}") from exc


class _Bar:
    """A click progress bar sized on the first report (the plan's batch count)."""

    def __init__(self, label: str) -> None:
        self.label, self.bar, self.shown = label, None, 0

    def __call__(self, run) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=run.batches, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(run.done - self.shown)
        self.shown = run.done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
