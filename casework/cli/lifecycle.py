"""`casework unit|case|task|sweep`: operate the compliance lifecycle from a terminal."""
from __future__ import annotations

import json

import click

from casework.cli.context import AppContext, pass_app
from casework.cli.operator import as_option, resolve_actor
from casework.errors import InvalidInput
from casework.services import cases, registration, sweeps, tasks


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
@as_option
@pass_app
def register_unit(app: AppContext, as_user, **fields) -> None:
    """Register a unit; a mandatory site category opens its acceptance obligation."""
    actor = resolve_actor(app.container, as_user)
    result = registration.register_unit(app.container.uow(), actor=actor,
                                        credit_code_value=fields.pop("credit_code"), **fields)
    click.echo(json.dumps(result, ensure_ascii=False, default=str))


@click.group("case")
def case() -> None:
    """Cases (案件)."""


@case.command("list")
@click.option("--overdue", is_flag=True)
@click.option("--status", default=None)
@click.option("--kind", default=None)
@as_option
@pass_app
def list_cases(app: AppContext, overdue, status, kind, as_user) -> None:
    actor = resolve_actor(app.container, as_user)
    for row in cases.list_cases(app.container.uow(), actor=actor, overdue=overdue,
                                status=status, kind=kind):
        click.echo(f"{row['ref']}\t{row['kind']}\t{row['status']}\t{row['due_at'] or '-'}\t{row['title']}")


@case.command("show")
@click.argument("ref")
@as_option
@pass_app
def show_case(app: AppContext, ref, as_user) -> None:
    actor = resolve_actor(app.container, as_user)
    click.echo(json.dumps(cases.show_case(app.container.uow(), ref, actor=actor),
                          ensure_ascii=False, indent=2, default=str))


@click.group("task")
def task() -> None:
    """Work items (待办)."""


@task.command("list")
@click.option("--role", default=None)
@as_option
@pass_app
def list_tasks(app: AppContext, role, as_user) -> None:
    actor = resolve_actor(app.container, as_user)
    for row in tasks.list_tasks(app.container.uow(), actor=actor, role=role):
        click.echo(f"{row['id']}\t{row['case_ref']}\t{row['role']}\t{row['due_at'] or '-'}\t{row['name']}")


@task.command("complete")
@click.argument("work_item_id", type=int)
@click.option("--data", "data_json", default="{}", help="Form data as a JSON object.")
@as_option
@pass_app
def complete_task(app: AppContext, work_item_id, data_json, as_user) -> None:
    actor = resolve_actor(app.container, as_user)
    try:
        data = json.loads(data_json)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"--data is not valid JSON: {exc.msg} at {exc.pos}") from None
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
    fired = sweeps.sweep_deadlines(app.container, batch=batch, progress=click.echo)
    click.echo(f"fired: {fired}")


commands = (unit, case, task, sweep)
