"""Registering units, systems and cameras, and the obligations that follow."""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select

from casework import audit, clock
from casework.errors import InvalidInput, NotFound, RuleViolation
from casework.models import Camera, Jurisdiction, Unit, VideoSystem
from casework.services import rules
from casework.services import scope
from casework.services.units import credit_code
from casework.services.cases.cases import open_case, open_filing_case
from casework.services.cases.violations import open_violation

if TYPE_CHECKING:
    from casework.services.actor import Actor
    from casework.storage.unit_of_work import UnitOfWork

PARTY_TYPES = ("business", "other", "person")


def register_unit(uow: UnitOfWork, *, actor: Actor, credit_code_value: str, name: str,
                  address: str, legal_representative: str, site_category: str,
                  party_type: str, jurisdiction: str,
                  electronic_service_consent: bool = False) -> dict:
    """Register a unit; a mandatory site category opens its obligation to build and accept."""
    actor.require("clerk", "admin")
    code = credit_code.validate(credit_code_value)
    if party_type not in PARTY_TYPES:
        raise InvalidInput(f"当事人类型无效 / party type must be one of {', '.join(PARTY_TYPES)}")
    for label, value, limit in (("名称 name", name, 200), ("地址 address", address, 300),
                                ("法定代表人 legal representative", legal_representative, 50)):
        if not value.strip() or len(value) > limit:
            raise InvalidInput(f"{label}: 必填且不超过 {limit} 字 / required, at most {limit} characters")
    with uow:
        session = uow.session
        jur = session.execute(select(Jurisdiction).where(Jurisdiction.code == jurisdiction)).scalar_one_or_none()
        if jur is None or not actor.may_see(None, jur.id):
            raise NotFound(f"辖区不存在 / no such jurisdiction: {jurisdiction}")
        on = clock.today_local()
        mandatory = rules.mandatory_site(jurisdiction, site_category, on)
        if session.execute(select(Unit).where(Unit.credit_code == code)).scalar_one_or_none():
            raise InvalidInput(f"单位已登记 / unit already registered: {code}")
        unit = Unit(credit_code=code, name=name.strip(), address=address.strip(),
                    legal_representative=legal_representative.strip(), site_category=site_category,
                    party_type=party_type, jurisdiction_id=jur.id,
                    electronic_service_consent=electronic_service_consent, created_at=clock.now())
        session.add(unit)
        session.flush()
        audit.record(session, actor.name, "unit.registered", f"unit:{unit.id}",
                     {"credit_code": code, "site_category": site_category,
                      "mandatory": mandatory is not None})
        result = {"unit_id": unit.id, "case_ref": None, "mandatory": mandatory}
        if mandatory is not None:
            system = VideoSystem(unit_id=unit.id, site=unit.address, purpose="治安防范",
                                 government_funded=False, status="planned", created_at=clock.now())
            session.add(system)
            session.flush()
            case = _open_acceptance(uow, unit, system, actor.name)
            result.update(system_id=system.id, case_ref=case.ref)
        uow.commit()
        return result


def register_system(uow: UnitOfWork, *, actor: Actor, unit_id: int, site: str, purpose: str,
                    government_funded: bool = False, pre_existing: bool = False,
                    in_use_since: date | None = None) -> dict:
    """Register a system: a new one goes to acceptance, a pre-existing one must file."""
    actor.require("clerk", "admin", "unit")
    with uow:
        unit = _unit_for(uow, actor, unit_id)
        system = VideoSystem(unit_id=unit.id, site=site, purpose=purpose,
                             government_funded=government_funded, pre_existing=pre_existing,
                             status="in_use" if pre_existing else "planned",
                             in_use_since=in_use_since, created_at=clock.now())
        uow.session.add(system)
        uow.session.flush()
        audit.record(uow.session, actor.name, "system.registered", f"system:{system.id}",
                     {"unit": unit.credit_code, "pre_existing": pre_existing})
        if pre_existing:
            case = open_filing_case(uow.session, unit, system, "pre_existing", actor=actor.name,
                                    resources=uow.resources)
        else:
            case = _open_acceptance(uow, unit, system, actor.name)
        uow.commit()
        return {"system_id": system.id, "case_ref": case.ref if case else None}


def register_camera(uow: UnitOfWork, *, actor: Actor, system_id: int, name: str, location: str,
                    place_kind: str, stream_url: str | None = None) -> int:
    """Register a camera; one at a privacy place is refused, citing the article."""
    actor.require("clerk", "admin", "unit")
    with uow:
        system, unit = _system_for(uow, actor, system_id)
        forbidden = rules.privacy_place(unit.jurisdiction.code, place_kind,
                                        clock.today_local())
        if forbidden is not None:
            audit.record(uow.session, actor.name, "camera.refused", f"system:{system.id}",
                         {"place_kind": place_kind, **forbidden})
            uow.commit()
            raise RuleViolation(
                f"禁止在该区域安装图像采集设备（{forbidden['source_name']}{forbidden['article']}：{forbidden['quote']}）"
                f" / cameras are forbidden at {place_kind}"
            )
        camera = Camera(system_id=system.id, name=name, location=location, place_kind=place_kind,
                        stream_url=stream_url, enabled=True, created_at=clock.now())
        uow.session.add(camera)
        uow.session.flush()
        audit.record(uow.session, actor.name, "camera.registered", f"camera:{camera.id}",
                     {"system": system.id, "place_kind": place_kind})
        uow.commit()
        return camera.id


def report_in_use(uow: UnitOfWork, *, actor: Actor, system_id: int, on: date) -> dict:
    """The unit puts a system into use: opens its filing, or a violation if not accepted."""
    actor.require("unit", "clerk", "admin")
    with uow:
        system, unit = _system_for(uow, actor, system_id)
        previous = system.status
        system.status, system.in_use_since = "in_use", on
        audit.record(uow.session, actor.name, "system.in_use", f"system:{system.id}",
                     {"on": on.isoformat(), "previous": previous})
        result = {"violation_case": None, "filing_case": None}
        if previous in ("planned", "built", "failed_acceptance") and not system.pre_existing:
            code = "used_before_acceptance"
            if not rules.has_violation(unit.jurisdiction.code, code, on):
                terms = rules.acceptance_terms(unit.jurisdiction.code, on,
                                               system.government_funded)
                cited = "；".join(f"{s['article']}：{s['quote']}" for s in terms["steps"][:1])
                raise RuleViolation(f"系统未经验收合格，不得投入使用（{cited}） / the system has not "
                                    f"passed acceptance and may not be used")
            case = open_violation(
                uow.session, unit=unit, system=system, code=code,
                facts=f"系统于 {on.isoformat()} 投入使用，但未经验收合格（状态：{previous}）。",
                origin="clerk" if actor.unit_id is None else "self_report",
                act_key=f"in_use:{system.id}:{on.isoformat()}", actor=actor.name,
                resources=uow.resources)
            result["violation_case"] = case.ref
        elif rules.filing_runs_from(unit.jurisdiction.code, "after_acceptance",
                                    on, system.government_funded) == "going_into_use":
            case = open_filing_case(uow.session, unit, system, "after_acceptance", actor=actor.name,
                                    resources=uow.resources, start=on)
            result["filing_case"] = case.ref if case else None
        uow.commit()
        return result


def report_dismantled(uow: UnitOfWork, *, actor: Actor, system_id: int, on: date) -> str | None:
    """A dismantled system must be filed where the rulebook says so."""
    actor.require("unit", "clerk", "admin")
    with uow:
        system, unit = _system_for(uow, actor, system_id)
        system.status = "dismantled"
        audit.record(uow.session, actor.name, "system.dismantled", f"system:{system.id}",
                     {"on": on.isoformat()})
        case = open_filing_case(uow.session, unit, system, "after_dismantling", actor=actor.name,
                                resources=uow.resources, start=on)
        uow.commit()
        return case.ref if case else None


def report_camera_change(uow: UnitOfWork, *, actor: Actor, system_id: int, on: date,
                         added: int = 0, removed: int = 0) -> str | None:
    """Cameras added or removed: a filing where the rulebook requires one (Tengchong 第二十二条)."""
    actor.require("unit", "clerk", "admin")
    if added < 0 or removed < 0 or added + removed == 0:
        raise InvalidInput("请填写增加或拆除的设备数量 / give the number of cameras added or removed")
    with uow:
        system, unit = _system_for(uow, actor, system_id)
        audit.record(uow.session, actor.name, "system.cameras_changed", f"system:{system.id}",
                     {"on": on.isoformat(), "added": added, "removed": removed})
        case = open_filing_case(uow.session, unit, system, "camera_change", actor=actor.name,
                                resources=uow.resources, start=on)
        uow.commit()
        return case.ref if case else None


def _open_acceptance(uow: UnitOfWork, unit: Unit, system: VideoSystem, actor: str):
    terms = rules.acceptance_terms(unit.jurisdiction.code, clock.today_local(),
                                   system.government_funded)
    return open_case(uow.session, kind="acceptance", unit=unit, system=system, actor=actor,
                     resources=uow.resources,
                     data={"trial_run_period": terms["trial_run_period"],
                           "government_funded": bool(system.government_funded),
                           "acceptance_steps": terms["steps"]})


def _system_for(uow: UnitOfWork, actor: Actor, system_id: int) -> tuple[VideoSystem, Unit]:
    """The system and its unit, if `actor` may see them (else 404)."""
    system = scope.system(uow.session, actor, system_id)
    return system, system.unit


def _unit_for(uow: UnitOfWork, actor: Actor, unit_id: int) -> Unit:
    return scope.unit(uow.session, actor, unit_id)
