"""Issue 16: one rule for the forms a deploy uses. A form saved in the modeler is what
`casework model deploy` and the shipped diagrams at `casework init` deploy with, as the modeler's
own deploy does; the version stores it, the output and the audit name it. And after a plain
`casework init` the CLI says to create the first admin, not to sign in with no account."""
from __future__ import annotations

import json

from sqlalchemy import select

from casework.config import PROJECT_ROOT
from casework.models.audit import AuditEvent
from casework.models.engine import ModelVersion
from casework.services.actor import Actor
from casework.services.modeling import forms
from casework.services.processes.shipped import seed_process_models
from tests.integration.operators import add_user, sign_in

MANAGER = Actor("mgr", frozenset({"manager"}))
RECTIFICATION = PROJECT_ROOT / "bpmn" / "rectification.bpmn"
EDITED_TITLE = "拟制责令限期改正通知（修订）"



def _edit_form(container) -> dict:
    opened = forms.open_form(container.uow(), actor=MANAGER, key="rectification_draft")
    form = json.loads(opened["text"])
    form["title"]["zh"] = EDITED_TITLE
    forms.save_form(container.uow(), actor=MANAGER, key="rectification_draft",
                    text=json.dumps(form, ensure_ascii=False), revision=opened["revision"])
    return form


def _versions(container, key: str) -> list[ModelVersion]:
    with container.uow() as uow:
        return list(uow.session.scalars(select(ModelVersion).where(ModelVersion.key == key)
                                        .order_by(ModelVersion.version)))


def _deploy_events(container) -> list[AuditEvent]:
    with container.uow() as uow:
        return list(uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "model.deploy")
                                        .order_by(AuditEvent.seq)))


def test_cli_deploy_stores_the_form_edited_in_the_modeler(container, cli, monkeypatch, tmp_path):
    seed_process_models(container, progress=lambda _m: None)
    add_user(container, "mgr", ["manager"])
    sign_in(container, monkeypatch, tmp_path, "mgr")
    edited = _edit_form(container)

    out = cli("model", "deploy", str(RECTIFICATION))  # the same file as v1: only the form changed
    assert out.exit_code == 0, out.output
    assert out.output.startswith("rectification v2 ")
    assert "forms as edited in the modeler: rectification_draft (rev 1)" in out.output
    v1, v2 = _versions(container, "rectification")
    assert v2.forms["rectification_draft"] == edited and v2.deployed_by == "mgr"
    assert v1.forms["rectification_draft"]["title"]["zh"] == "拟制责令限期改正通知"  # v1 keeps its own
    [event] = _deploy_events(container)
    assert event.actor == "mgr" and event.data == {"version": 2, "edited_forms": {"rectification_draft": 1}}

    out = cli("model", "deploy", str(RECTIFICATION))  # nothing new: said, not audited as a deploy
    assert out.exit_code == 0 and "rectification v2 " in out.output and "unchanged" in out.output
    assert len(_versions(container, "rectification")) == 2 and len(_deploy_events(container)) == 1


def test_shipped_diagrams_deploy_with_the_saved_edits_and_say_so(container):
    edited = _edit_form(container)  # saved before the models are (an upgrade adding a model)
    said: list[str] = []
    summary = seed_process_models(container, progress=said.append)
    [v1] = _versions(container, "rectification")
    assert v1.forms["rectification_draft"] == edited
    assert said == [summary] and "rectification v1: rectification_draft (rev 1)" in summary
    assert [(e.actor, e.data) for e in _deploy_events(container)] == [
        ("system", {"version": 1, "edited_forms": {"rectification_draft": 1}})]
    assert seed_process_models(container, progress=said.append) == "process models: up to date"


def test_without_any_account_the_cli_says_to_create_the_first_admin(container, cli):
    add_user(container, "scheduler", ["scheduler"], system=True)  # what a plain `casework init` leaves
    out = cli("model", "deploy", str(RECTIFICATION))
    assert out.exit_code == 1 and "casework init --admin" in out.output and "no account exists" in out.output
    add_user(container, "boss", ["admin"])
    out = cli("model", "deploy", str(RECTIFICATION))
    assert out.exit_code == 1 and "not signed in: run `casework login`" in out.output
    assert "casework init" not in out.output
