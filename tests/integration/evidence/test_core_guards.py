"""The database itself keeps issued documents and audit events as they were."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, text, update

from casework.documents import serve
from casework.models import AuditEvent, Document
from tests.helpers import issue_one


def test_an_issued_document_is_served_once_and_never_changed_or_deleted(container, ids):
    doc = issue_one(container, ids)
    with container.uow() as uow:
        serve(uow.session, doc.id, actor="officer", method="direct")
        uow.commit()
    for statement in (
        update(Document).where(Document.id == doc.id).values(number="伪造第0001号"),
        update(Document).where(Document.id == doc.id).values(context={"facts": "改过的事实"}),
        update(Document).where(Document.id == doc.id).values(service_method="post"),
        delete(Document).where(Document.id == doc.id),
    ):
        with pytest.raises(Exception, match="cannot be changed or deleted"):
            with container.uow() as uow:
                uow.session.execute(statement)
                uow.commit()
    with container.uow() as uow:
        assert uow.session.get(Document, doc.id).service_method == "direct"


def test_audit_events_cannot_be_deleted_even_in_bulk(container, ids):
    issue_one(container, ids)
    with pytest.raises(Exception, match="append-only"):
        with container.uow() as uow:
            uow.session.execute(delete(AuditEvent))
            uow.commit()
    with container.uow() as uow:
        assert uow.session.execute(text("SELECT count(*) FROM audit_event")).scalar() > 0
