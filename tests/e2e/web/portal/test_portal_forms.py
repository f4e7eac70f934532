"""The portal's forms in chromium, phone and desktop: a filing returned and filed again with its
answers kept, and acceptance reported with the trial run's end and the test report.

Its own world: the web world's two units pass acceptance (their filings open), and an Inner
Mongolia unit (a one-month trial run, 第十七条第一款) waits to report completion.
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from casework import clock as clock_module
from casework import engine
from casework.models import User
from casework.passwords import hash_password
from casework.services.cases.portal_filings import SUBMIT_FORM
from casework.services.processes import sweeps
from casework.services.units import registration
from casework.services.units.credit_code import make
from tests.e2e.web import world as world_module
from tests.e2e.web.conftest import fresh_container
from tests.e2e.web.portal.test_portal_browser import _png, portal_page, shot  # noqa: F401
from tests.e2e.web.test_browser import browser, server  # noqa: F401
from tests.e2e.web.world import CLERK, PASSWORD, _do
from tests.conftest import START

pytestmark = pytest.mark.browser
UNITS = {"phone": "unitA", "desktop": "unitB"}


@pytest.fixture(scope="module")
def web_world(tmp_path_factory, pg_engine):
    tmp = tmp_path_factory.mktemp("portal-forms")
    with fresh_container(tmp, pg_engine, START) as (container, _travel):
        facts = world_module.build(container, tmp)
        for key in ("a", "b"):
            reg = facts[key]
            _do(container, reg["case_ref"], "acceptance_complete",
                {"completed_on": "2026-03-02", "camera_count": 4, "builder": "某安防公司"}, reg["unit"])
            _do(container, reg["case_ref"], "acceptance_test_report",
                {"agency": "检验站", "report_number": "JC-1", "conclusion": "pass"}, reg["unit"])
            _do(container, reg["case_ref"], "acceptance_review", {"accepted": True}, CLERK)
            reg["filing_ref"] = _waiting_filing(container, reg["unit_id"])
        facts["c"] = registration.register_unit(
            container.uow(), actor=CLERK, credit_code_value=make("91150100MA0000777"), name="呼市测试商场",
            address="呼和浩特市新华大街7号", legal_representative="王五", site_category="commercial",
            party_type="business", jurisdiction="inner_mongolia", electronic_service_consent=True)
        with container.uow() as uow:
            uow.session.add(User(username="unitC", display_name="unitC", roles=["unit"],
                                 unit_id=facts["c"]["unit_id"], password_hash=hash_password(PASSWORD),
                                 created_at=clock_module.now()))
            uow.commit()
        yield container, facts


def _waiting_filing(container, unit_id: int) -> str:
    with container.uow() as uow:
        return next(w.case_ref for w in engine.list_work_items(uow.session, role="unit", unit_id=unit_id)
                    if w.form_key == SUBMIT_FORM)


def _pdf(path, text: str) -> None:
    path.write_bytes(b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_a_filing_returned_keeps_its_answers_and_is_filed_again(portal_page, app, facts, viewport, tmp_path):
    container = app.extensions["casework"]
    key = "a" if viewport == "phone" else "b"
    ref = facts[key]["filing_ref"]
    page = portal_page(UNITS[viewport], viewport)
    page.goto("/portal/filings")
    shot(page, f"filings-{viewport}-zh")
    page.locator(f"#filing-{ref} a").click()
    page.wait_for_selector("#task-form")
    assert "#filing-needs" and page.locator("#filing-needs").count() == 1
    page.fill("[name=site]", "人民路一层大厅")
    page.fill("[name=camera_count]", "4")
    page.fill("[name=camera_types]", "枪机")
    page.fill("[name=retention_days]", "30")
    page.fill("[name=contact]", "李四 13800000000")
    page.fill("[name=in_use_on]", "2026-03-02")
    page.click("#task-form button[type=submit]")  # no attachments yet: refused by the fields
    page.wait_for_selector("#form-errors")
    assert page.locator("[data-field='attachments.design_plan'] .error").count() == 1
    assert page.input_value("[name=contact]") == "李四 13800000000"  # nothing typed is lost
    shot(page, f"filing-errors-{viewport}-zh")
    for index, field in enumerate(page.locator("#task-form input[type=file]").all()):
        name = field.get_attribute("name")
        if page.locator(f"[data-field='{name}'] label").first.inner_text().endswith("*"):
            path = tmp_path / f"m{index}.png"
            _png(path)
            field.set_input_files(str(path))
    page.click("#task-form button[type=submit]")
    page.wait_for_selector(".flash")
    assert page.locator("#task-form").count() == 0
    _do(container, ref, "filing_review", {"accepted": False, "reasons": "合同书缺少盖章页，请补正",
                                          "correction_days": 10}, CLERK)
    page.goto(f"/portal/cases/{ref}")
    returned = page.locator("#filing-returned")
    assert "合同书缺少盖章页" in returned.inner_text()
    assert page.input_value("[name=contact]") == "李四 13800000000"
    assert page.locator("input[type=checkbox][name^='keep.attachments']:checked").count() >= 3
    shot(page, f"filing-returned-{viewport}-zh")
    page.goto(f"/portal/cases/{ref}?lang=en")
    assert "Returned for correction" in page.content()
    shot(page, f"filing-returned-{viewport}-en")
    page.fill("[name=contact]", "李四 13900000000")
    page.click("#task-form button[type=submit]")
    page.wait_for_selector(".flash")
    with container.uow() as uow:
        forms = [w.form_key for w in engine.list_work_items(uow.session, case_ref=ref)]
        data = engine.get_instance(uow.session, engine.list_work_items(uow.session, case_ref=ref)[0].instance_id).data
    assert forms == ["filing_review"] and data["contact"] == "李四 13900000000"
    assert all(v.startswith("sha256:") for v in data["attachments"].values())
    page.goto("/portal/?lang=zh")


def test_unit_starts_a_filing_of_a_change_of_cameras(portal_page, app, facts):
    """Taiyuan sets no window for it; the national 第十四条第一款 (及时) does."""
    container = app.extensions["casework"]
    page = portal_page("unitA", "phone")
    page.goto("/portal/filings")
    page.locator(f"#start-system-{facts['a']['system_id']} a", has_text="增加或拆除").click()
    page.wait_for_selector("#task-form")
    assert "第十四条第一款" in page.locator("#filing-window").inner_text()
    assert page.input_value("[name=site]")  # the system's site, filled in
    page.fill("[name=changed_on]", clock_module.today_local().isoformat())
    page.fill("[name=cameras_added]", "2")
    page.fill("[name=camera_count]", "6")
    page.fill("[name=camera_types]", "枪机、球机")
    page.fill("[name=retention_days]", "30")
    page.fill("[name=contact]", "李四 13800000000")
    shot(page, "filing-new-phone-zh")
    page.click("#task-form button[type=submit]")
    page.wait_for_selector(".flash")
    ref = page.url.rsplit("/", 1)[-1]
    with container.uow() as uow:
        assert [w.form_key for w in engine.list_work_items(uow.session, case_ref=ref)] == ["filing_review"]


def test_acceptance_reported_with_the_trial_run_and_the_test_report(portal_page, app, facts, tmp_path):
    container = app.extensions["casework"]
    ref = facts["c"]["case_ref"]
    page = portal_page("unitC", "phone")
    page.locator("#obligations li.card", has_text="报告竣工").locator("a", has_text="去办理").click()
    page.wait_for_selector("#task-form")
    assert "第十七条第一款" in page.locator("#trial-run").inner_text()
    page.fill("[name=completed_on]", clock_module.today_local().isoformat())
    page.fill("[name=camera_count]", "16")
    page.fill("[name=builder]", "内蒙古某安防工程公司")
    shot(page, "acceptance-complete-phone-zh")
    page.click("#task-form button[type=submit]")
    page.wait_for_selector(".flash")
    trial = page.locator("#trial-run").inner_text()
    end = (clock_module.today_local() + timedelta(days=31)).isoformat()
    assert end in trial, trial
    shot(page, "acceptance-trial-phone-zh")
    clock_module.current().advance(timedelta(days=33))
    sweeps.sweep_deadlines(container)
    page.goto(f"/portal/cases/{ref}")
    page.fill("[name=agency]", "内蒙古自治区安防产品质量检验站")
    page.fill("[name=report_number]", "NM-JC-2026-01")
    page.select_option("[name=conclusion]", "pass")
    page.click("#task-form button[type=submit]")  # the certified test's report is required
    page.wait_for_selector("[data-field='report_file'] .error")
    assert page.input_value("[name=report_number]") == "NM-JC-2026-01"
    report = tmp_path / "report.pdf"
    _pdf(report, "test report")
    page.set_input_files("[name=report_file]", str(report))
    shot(page, "acceptance-report-phone-zh")
    page.click("#task-form button[type=submit]")
    page.wait_for_selector("#test-report")
    assert "NM-JC-2026-01" in page.locator("#test-report").inner_text()
    answer = page.request.get(page.locator("#test-report a").get_attribute("href"))
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    page.goto(f"/portal/cases/{ref}?lang=en")
    shot(page, "acceptance-report-phone-en")
    desktop = portal_page("unitC", "desktop", "en")
    desktop.goto(f"/portal/cases/{ref}")
    shot(desktop, "acceptance-desktop-en")
