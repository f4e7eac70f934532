"""Units and systems as plain data, read through the one scope rule."""
from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from casework.models import Unit
from casework.services import scope

if TYPE_CHECKING:
    from casework.services.actor import Actor
    from casework.storage.unit_of_work import UnitOfWork


def list_units(uow: UnitOfWork, *, actor: Actor, after: int = 0, limit: int = 50) -> list[dict]:
    with uow:
        rows = uow.session.execute(
            select(Unit).where(actor.where(Unit.id, Unit.jurisdiction_id), Unit.id > after)
            .order_by(Unit.id).limit(max(1, min(limit, 200)))).scalars()
        return [unit_summary(u) for u in rows]


def get_unit(uow: UnitOfWork, *, actor: Actor, unit_id: int) -> dict:
    with uow:
        unit = scope.unit(uow.session, actor, unit_id)
        return {**unit_summary(unit), "systems": [system_summary(s) for s in unit.systems]}


def get_system(uow: UnitOfWork, *, actor: Actor, system_id: int) -> dict:
    with uow:
        system = scope.system(uow.session, actor, system_id)
        return {**system_summary(system), "cameras": [
            {"id": c.id, "name": c.name, "location": c.location, "place_kind": c.place_kind,
             "enabled": c.enabled} for c in system.cameras]}


def document_info(uow: UnitOfWork, *, actor: Actor, document_id: int) -> dict:
    with uow:
        doc = scope.document(uow.session, actor, document_id)
        return {"id": doc.id, "number": doc.number, "kind": doc.kind, "case_ref": doc.case_ref,
                "sha256": doc.sha256, "bytes": doc.bytes}


def unit_summary(unit: Unit) -> dict:
    return {"id": unit.id, "name": unit.name, "credit_code": unit.credit_code,
            "address": unit.address, "site_category": unit.site_category,
            "jurisdiction_id": unit.jurisdiction_id}


def system_summary(system) -> dict:
    return {"id": system.id, "unit_id": system.unit_id, "site": system.site,
            "purpose": system.purpose, "status": system.status}
