"""`casework unit|case|task|sweep`: operate the compliance lifecycle from a terminal."""
from __future__ import annotations

import json

import click

from casework import clock
from casework.cli.context import AppContext, pass_app
from casework.cli.operator import current_actor
from casework.engine.values import parse_json
from casework.errors import InvalidInput
from casework.services.cases import cases, violations
from casework.services.processes import sweeps, tasks
from casework.services.units import inspections, registration


@click.group("unit")
def unit() -> None:
    """Regulated units (单位)."""


@unit.command("register")
@click.option("--credit-code", required=True)
@click.option("--name", required=True)
@click.option("--address", required=True)
@click.option("--legal-representative", required=True)
@click.option("--site-category", required=True)
@click.option("--party-type", type=click.Choice(registration.PARTY_TYPES), default="business")
@click.option("--jurisdiction", required=True)
@pass_app
def register_unit(app: AppContext, **fields) -> None:
    """Register a unit; a mandatory site category opens its acceptance obligation."""
    actor = current_actor(app.container)
    result = registration.register_unit(app.container.uow(), actor=actor,
                                        credit_code_value=fields.pop("credit_code"), **fields)
    click.echo(json.dumps(result, ensure_ascii=False, default=str))


@click.group("system")
def system() -> None:
    """Video systems (视频图像信息系统) and their cameras."""


@system.command("register")
@click.option("--unit-id", type=int, required=True)
@click.option("--site", required=True)
@click.option("--purpose", default="治安防范", show_default=True)
@click.option("--government-funded", is_flag=True)
@click.option("--pre-existing", is_flag=True, help="Built before the rules: must file.")
@pass_app
def register_system(app: AppContext, **fields) -> None:
    actor = current_actor(app.container)
    click.echo(json.dumps(registration.register_system(app.container.uow(), actor=actor, **fields)))


@system.command("in-use")
@click.argument("system_id", type=int)
@click.option("--on", "on", type=click.DateTime(["%Y-%m-%d"]), required=True)
@pass_app
def system_in_use(app: AppContext, system_id, on) -> None:
    actor = current_actor(app.container)
    click.echo(json.dumps(registration.report_in_use(app.container.uow(), actor=actor,
                                                     system_id=system_id, on=on.date())))


@system.command("dismantled")
@click.argument("system_id", type=int)
@click.option("--on", "on", type=click.DateTime(["%Y-%m-%d"]), required=True)
@pass_app
def system_dismantled(app: AppContext, system_id, on) -> None:
    actor = current_actor(app.container)
    ref = registration.report_dismantled(app.container.uow(), actor=actor, system_id=system_id,
                                         on=on.date())
    click.echo(ref or "no filing required")


@system.command("add-camera")
@click.argument("system_id", type=int)
@click.option("--name", required=True)
@click.option("--location", required=True)
@click.option("--place-kind", default="public_area", show_default=True)
@click.option("--stream-url", default=None)
@pass_app
def add_camera(app: AppContext, system_id, **fields) -> None:
    actor = current_actor(app.container)
    click.echo(registration.register_camera(app.container.uow(), actor=actor,
                                            system_id=system_id, **fields))


@click.group("violation")
def violation() -> None:
    """Violations opened by hand (a clerk or inspector)."""


@violation.command("report")
@click.option("--unit-id", type=int, required=True)
@click.option("--code", required=True, help="A violation code of the unit's rulebook.")
@click.option("--facts", required=True)
@click.option("--act-key", required=True, help="Identifies the act (the same act opens once).")
@pass_app
def report_violation(app: AppContext, unit_id, code, facts, act_key) -> None:
    actor = current_actor(app.container)
    click.echo(violations.report_violation(app.container.uow(), actor=actor, unit_id=unit_id,
                                           code=code, facts=facts, act_key=act_key))


@click.group("inspection")
def inspection() -> None:
    """Inspections (监督检查)."""


@inspection.command("start")
@click.option("--unit-id", type=int, required=True)
@pass_app
def start_inspection(app: AppContext, unit_id) -> None:
    actor = current_actor(app.container)
    click.echo(inspections.start_inspection(app.container.uow(), actor=actor, unit_id=unit_id))


@inspection.command("due")
@click.option("--interval-days", default=365, show_default=True)
@click.option("--random-share", default=0.1, show_default=True)
@pass_app
def due_inspections(app: AppContext, interval_days, random_share) -> None:
    """Units the cycle policy selects today (not inspected within the interval, plus 双随机)."""
    for unit_id in inspections.select_due_units(app.container.uow(), on=clock.today_local(),
                                    interval_days=interval_days, random_share=random_share):
        click.echo(unit_id)


@click.group("case")
def case() -> None:
    """Cases (案件)."""


@case.command("list")
@click.option("--overdue", is_flag=True)
@click.option("--status", default=None)
@click.option("--kind", default=None)
@pass_app
def list_cases(app: AppContext, overdue, status, kind) -> None:
    actor = current_actor(app.container)
    for row in cases.list_cases(app.container.uow(), actor=actor, overdue=overdue,
                                status=status, kind=kind):
        click.echo(f"{row['ref']}\t{row['kind']}\t{row['status']}\t{_due(row)}\t{row['title']}")


@case.command("show")
@click.argument("ref")
@pass_app
def show_case(app: AppContext, ref) -> None:
    actor = current_actor(app.container)
    click.echo(json.dumps(cases.show_case(app.container.uow(), ref, actor=actor),
                          ensure_ascii=False, indent=2, default=str))


@click.group("task")
def task() -> None:
    """Work items (待办)."""


@task.command("list")
@click.option("--role", default=None)
@pass_app
def list_tasks(app: AppContext, role) -> None:
    actor = current_actor(app.container)
    for row in tasks.list_tasks(app.container.uow(), actor=actor, role=role):
        click.echo(f"{row['id']}\t{row['case_ref']}\t{row['role']}\t{_due(row)}\t{row['name']}")


@task.command("claim")
@click.argument("work_item_id", type=int)
@pass_app
def claim_task(app: AppContext, work_item_id) -> None:
    """Take a task so nobody else works it."""
    actor = current_actor(app.container)
    tasks.claim_task(app.container.uow(), actor=actor, work_item_id=work_item_id)
    click.echo(f"claimed {work_item_id} as {actor.name}")


@task.command("unclaim")
@click.argument("work_item_id", type=int)
@pass_app
def unclaim_task(app: AppContext, work_item_id) -> None:
    """Give a claimed task back to the queue."""
    actor = current_actor(app.container)
    tasks.unclaim_task(app.container.uow(), actor=actor, work_item_id=work_item_id)
    click.echo(f"released {work_item_id}")


@task.command("complete")
@click.argument("work_item_id", type=int)
@click.option("--data", "data_json", default="{}", help="Form data as a JSON object.")
@pass_app
def complete_task(app: AppContext, work_item_id, data_json) -> None:
    actor = current_actor(app.container)
    data = parse_json(data_json, "--data")
    if not isinstance(data, dict):
        raise InvalidInput("--data must be a JSON object")
    result = tasks.complete_task(app.container.uow(), actor=actor, work_item_id=work_item_id,
                                 data=data)
    click.echo(json.dumps(result, ensure_ascii=False))


@click.group("sweep")
def sweep() -> None:
    """Sweeps the scheduler runs."""


@sweep.command("deadlines")
@click.option("--batch", default=100, show_default=True)
@pass_app
def sweep_deadlines(app: AppContext, batch) -> None:
    """Fire due timers now: missed deadlines open their next step."""
    current_actor(app.container, "scheduler", "admin")
    fired = sweeps.sweep_deadlines(app.container, batch=batch, progress=click.echo)
    click.echo(f"fired: {fired}")


commands = (unit, system, violation, inspection, case, task, sweep)


def _due(row: dict) -> str:
    """A due time, marked 暂定 while its year's holiday notice is not out."""
    mark = " 暂定/provisional" if row.get("deadline_provisional") else ""
    return f"{row['due_at'] or '-'}{mark}"
