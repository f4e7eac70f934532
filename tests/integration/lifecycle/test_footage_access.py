"""Registered access to footage: two officers ask, a bureau head approves, the footage is held
and exported with its manifest, the unit is notified; nobody else can approve."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from casework import clock as clock_module
from casework.errors import PermissionDenied, RuleViolation
from casework.services.units import registration
from casework.services.actor import Actor
from casework.services.footage_access import request_access
from recorder.catalogue.models import Export, LegalHold
from recorder.catalogue.disk import footage_root
from tests.integration.lifecycle.lifecycle_driver import Driver
from tests.recorder_helpers import record_clip, segment_rows

OFFICER = Actor("officer.li", frozenset({"inspector"}))
HEAD = Actor("head.zhao", frozenset({"bureau_head"}))
TWO = [{"name": "李明", "badge": "140101"}, {"name": "王刚", "badge": "140102"}]


@pytest.fixture
def driver(container, clock):
    return Driver(container, clock)


@pytest.fixture
def recorded(driver, tmp_path):
    reg = driver.register("taiyuan")
    camera_id = registration.register_camera(driver.uow(), actor=reg["unit"],
                                             system_id=reg["system_id"], name="1号摄像机",
                                             location="一层东侧出入口", place_kind="public_area")
    start = clock_module.now()
    record_clip(driver.container, tmp_path, camera_id=camera_id, seconds=8)
    driver.travel(minutes=5)
    return reg, camera_id, start


def test_approved_request_holds_exports_and_notifies(driver, recorded):
    reg, camera_id, start = recorded
    ref = request_access(driver.uow(), actor=OFFICER, camera_id=camera_id, t0=start,
                         t1=start + timedelta(seconds=6), purpose="治安案件取证",
                         destination="派出所案件室", officers=TWO)
    assert driver.open_forms(ref) == ["access_approval"]
    with pytest.raises(PermissionDenied):  # the requester cannot approve
        driver.complete(ref, "access_approval", {"approved": True, "comment": "同意"}, OFFICER)
    driver.complete(ref, "access_approval", {"approved": True, "comment": "同意调取"}, HEAD)
    case = driver.case(ref)
    assert (case.status, case.outcome) == ("closed", "exported")
    with driver.uow() as uow:
        [export] = uow.session.execute(select(Export)).scalars().all()
        [hold] = uow.session.execute(select(LegalHold)).scalars().all()
    assert export.approved_by == "head.zhao" and export.requested_by == "officer.li"
    assert hold.access_request_ref == ref and hold.released_at is None
    [notice] = driver.documents(ref)
    assert notice.kind == "evidence_request" and "调证" in notice.number


def test_refused_request_exports_nothing(driver, recorded):
    reg, camera_id, start = recorded
    ref = request_access(driver.uow(), actor=OFFICER, camera_id=camera_id, t0=start,
                         t1=start + timedelta(seconds=6), purpose="查看", destination="无",
                         officers=TWO)
    driver.complete(ref, "access_approval", {"approved": False, "comment": "理由不充分"}, HEAD)
    assert driver.case(ref).outcome == "refused"
    with driver.uow() as uow:
        assert uow.session.execute(select(Export)).first() is None


def test_one_officer_is_not_enough_and_units_cannot_ask(driver, recorded):
    reg, camera_id, start = recorded
    with pytest.raises(RuleViolation, match="第二十二条"):
        request_access(driver.uow(), actor=OFFICER, camera_id=camera_id, t0=start,
                       t1=start + timedelta(seconds=6), purpose="取证", destination="案件室",
                       officers=TWO[:1])
    with pytest.raises(PermissionDenied):
        request_access(driver.uow(), actor=reg["unit"], camera_id=camera_id, t0=start,
                       t1=start + timedelta(seconds=6), purpose="取证", destination="案件室",
                       officers=TWO)


def test_hold_and_export_run_in_the_approval_step_transaction(driver, recorded):
    """The approval step runs recorder.place_hold then recorder.export in the engine: when the
    export fails, the hold placed in the same step is rolled back with it."""
    reg, camera_id, start = recorded
    ref = request_access(driver.uow(), actor=OFFICER, camera_id=camera_id, t0=start,
                         t1=start + timedelta(seconds=6), purpose="治安案件取证",
                         destination="派出所案件室", officers=TWO)
    seg = footage_root(driver.container) / segment_rows(driver.container, camera_id)[0].path
    body = seg.read_bytes()
    seg.write_bytes(body[:-188])  # the export refuses a segment that fails its hash
    with pytest.raises(RuleViolation, match="segment 1"):
        driver.complete(ref, "access_approval", {"approved": True, "comment": "同意"}, HEAD)
    with driver.uow() as uow:
        assert uow.session.execute(select(LegalHold)).first() is None
        assert uow.session.execute(select(Export)).first() is None
    assert driver.open_forms(ref) == ["access_approval"]
    seg.write_bytes(body)
    driver.complete(ref, "access_approval", {"approved": True, "comment": "同意"}, HEAD)
    with driver.uow() as uow:
        [hold] = uow.session.execute(select(LegalHold)).scalars().all()
        [export] = uow.session.execute(select(Export)).scalars().all()
    assert hold.access_request_ref == export.access_request_ref == ref
