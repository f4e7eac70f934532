"""A form's fields keep the order they are written in, on both databases (PostgreSQL's jsonb
would sort them by key), and moving a field is a change a deploy keeps."""
from __future__ import annotations

from sqlalchemy import select

from casework import engine
from casework.models import ModelVersion
from casework.models.modeling import FormDraft
from casework import clock

ORDER = ["zeta_long_name", "b", "alpha"]  # neither sorted nor by length


def test_a_stored_form_keeps_its_field_order(container):
    form = {"title": {"zh": "次序", "en": "Order"},
            "schema": {"type": "object", "properties": {name: {"type": "string", "title": name} for name in ORDER}}}
    with container.uow() as uow:
        uow.session.add(FormDraft(key="order_check", form=form, revision=1, saved_by="manager",
                                  saved_at=clock.now()))
        uow.commit()
    with container.uow() as uow:
        stored = uow.session.scalar(select(FormDraft.form).where(FormDraft.key == "order_check"))
    assert list(stored["schema"]["properties"]) == ORDER


def test_a_deployed_versions_forms_keep_their_field_order(container):
    with container.uow() as uow:
        version = engine.deploy_shipped(uow.session, actor="system")[0]
        written = {key: list(form.get("schema", {}).get("properties", {})) for key, form in version.forms.items()}
        uow.commit()
    with container.uow() as uow:
        stored = uow.session.scalar(select(ModelVersion.forms).where(ModelVersion.id == version.id))
    assert {key: list(form.get("schema", {}).get("properties", {})) for key, form in stored.items()} == written
    assert any(fields != sorted(fields, key=lambda n: (len(n), n)) for fields in written.values())  # jsonb's order differs
