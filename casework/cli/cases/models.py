"""`casework model`: deploy diagrams, list versions, migrate running instances."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from casework.cli.context import AppContext, pass_app
from casework.cli.operator import current_actor
from casework.engine.errors import DiagramInvalid
from casework.services.processes import admin as process_admin


@click.group("model")
def command() -> None:
    """流程模型 / process models (BPMN) and their versions."""


@command.command("deploy")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--key", default=None, help="Model key (default: the file name without .bpmn).")
@pass_app
def deploy(app: AppContext, path: Path, key: str | None) -> None:
    """Validate and deploy PATH as the next version; a bad diagram is refused, every problem by element.

    Forms as in the modeler: `forms/` with the forms saved there over it (the edited ones are named).
    """
    actor = current_actor(app.container)
    try:
        result = process_admin.deploy_model(app.container.uow(), actor=actor, key=key or path.stem,
                                            bpmn_xml=path.read_bytes())
    except DiagramInvalid as exc:
        if not exc.problems:  # not the diagram's content (a key that is not one...): one line
            raise
        problems = exc.problems
        click.echo(f"错误 / error: {path.name}: {len(problems)} 个问题 / {len(problems)} problem(s), "
                   f"not deployed", err=True)
        for problem in problems:
            click.echo(f"  {problem.message}", err=True)
        sys.exit(1)
    click.echo(f"{result['key']} v{result['version']} {result['sha256'][:12]}"
               + ("" if result["new"] else " (未变更 / unchanged)"))
    if result["edited_forms"]:
        edited = ", ".join(f"{form} (rev {rev})" for form, rev in sorted(result["edited_forms"].items()))
        click.echo(f"表单使用建模器中保存的修改 / forms as edited in the modeler: {edited}")


@command.command("list")
@pass_app
def list_models(app: AppContext) -> None:
    actor = current_actor(app.container)
    for row in process_admin.list_models(app.container.uow(), actor=actor):
        click.echo(f"{row['key']}\tv{row['version']}\t{row['sha256']}\t{row['deployed_by']}\t{row['deployed_at']}")


@command.command("incidents")
@click.option("--key", default=None, help="Only this model's incidents.")
@click.option("--limit", default=50, show_default=True)
@pass_app
def incidents(app: AppContext, key: str | None, limit: int) -> None:
    """Steps refused for going over their budget (time, engine tasks, data), newest first."""
    actor = current_actor(app.container)
    rows = process_admin.list_incidents(app.container.uow(), actor=actor, key=key, limit=limit)
    for row in rows:
        click.echo(f"#{row['id']}\t{row['at']}\t{row['key']}\tinstance {row['instance'] or '-'}\t"
                   f"{row['element']}\t{row['limit']}\t{row['actor']}")
    if not rows:
        click.echo("no incidents")


@command.command("migrate")
@click.argument("instance_id", type=int)
@click.option("--to", "to_version", type=int, required=True)
@click.option("--apply", is_flag=True, help="Apply; without it, only preview.")
@pass_app
def migrate(app: AppContext, instance_id: int, to_version: int, apply: bool) -> None:
    """Preview (or --apply) moving a running instance to another version of its model."""
    actor = current_actor(app.container)
    click.echo(json.dumps(process_admin.migrate_instance(
        app.container.uow(), actor=actor, instance_id=instance_id, to_version=to_version,
        apply=apply), ensure_ascii=False, indent=2))
