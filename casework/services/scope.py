"""Lookups through the one scope rule (`Actor.may_see`): an object outside scope is 404.

Documents: a unit user sees only what has been served on it, or offered to it for
electronic receipt (`service_window.visible_to_unit`), by every route (portal, case door,
API); a document not yet served does not exist for the unit.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from casework.errors import NotFound
from casework.models import Camera, Case, Document, Unit, VideoSystem, WorkItem
from casework.services.deadlines.service_window import visible_to_unit

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from casework.services.actor import Actor


def unit(session: Session, actor: Actor, unit_id: int) -> Unit:
    found = session.get(Unit, unit_id)
    if found is None or not actor.may_see(found.id, found.jurisdiction_id):
        raise NotFound(f"单位不存在 / no such unit: {unit_id}")
    return found


def system(session: Session, actor: Actor, system_id: int) -> VideoSystem:
    found = session.get(VideoSystem, system_id)
    if found is None or not actor.may_see(found.unit_id, found.unit.jurisdiction_id):
        raise NotFound(f"系统不存在 / no such system: {system_id}")
    return found


def camera(session: Session, actor: Actor, camera_id: int) -> Camera:
    found = session.get(Camera, camera_id)
    if found is None or not actor.may_see(found.system.unit_id, found.system.unit.jurisdiction_id):
        raise NotFound(f"摄像机不存在 / no such camera: {camera_id}")
    return found


def case(session: Session, actor: Actor, ref: str) -> Case:
    found = session.execute(select(Case).where(Case.ref == ref)).scalar_one_or_none()
    if found is None or not actor.may_see(found.unit_id, found.jurisdiction_id):
        raise NotFound(f"案件不存在 / no such case: {ref}")
    return found


def document(session: Session, actor: Actor, document_id: int) -> Document:
    found = session.get(Document, document_id)
    if found is None or not may_see_document(session, actor, found):
        raise NotFound(f"文书不存在 / no such document: {document_id}")
    return found


def may_see_document(session: Session, actor: Actor, doc: Document) -> bool:
    if not actor.may_see(doc.unit_id, doc.jurisdiction_id):
        return False
    return not actor.is_unit_user or visible_to_unit(session, doc)


def documents(session: Session, actor: Actor, rows) -> list[Document]:
    """The documents of `rows` the actor may see (a list a page or the API shows)."""
    return [doc for doc in rows if may_see_document(session, actor, doc)]


def work_item(session: Session, actor: Actor, work_item_id: int) -> WorkItem:
    found = session.get(WorkItem, work_item_id)
    if found is None or not actor.may_see(found.unit_id, found.jurisdiction_id):
        raise NotFound(f"待办不存在 / no such work item: {work_item_id}")
    return found
