"""The unit's portal case page and the staff case page say when the hearing was suspended
(公安机关办理行政案件程序规定 第一百四十八条) and resumed, or terminated (第一百四十九条), with the ground,
the article and what happened — as they show a postponement.

Its own world in 2021 (Tengchong): two 15,000 yuan fines, hearings requested on Monday 03-01, set
for 03-11 and their notices served the same day; on 03-11 one is suspended, the other terminated.
"""
from __future__ import annotations

from datetime import datetime

import pytest

from casework import clock as clock_module
from casework.models import User
from casework.passwords import hash_password
from tests.e2e.web.conftest import fresh_container, sign_in
from tests.e2e.web.world import PASSWORD
from tests.integration.lifecycle.lifecycle_driver import LEGAL, Driver
from tests.integration.penalty.test_penalty_procedure import hearing_scheduled

START_2021 = datetime(2021, 3, 1, 2, 0, tzinfo=clock_module.UTC)
OUTCOMES = {
    "unitS1": {"hearing_result": "suspended", "suspension_ground": "recusal",
               "result_reasons": "当事人申请听证主持人回避，须另行指定主持人"},
    "unitT1": {"hearing_result": "terminated", "termination_ground": "absent",
               "result_reasons": "当事人及其代理人无正当理由未到场"},
}


def _user(container, username: str, roles: list[str], unit_id: int | None = None) -> None:
    with container.uow() as uow:
        uow.session.add(User(username=username, display_name=username, roles=roles, unit_id=unit_id,
                             password_hash=hash_password(PASSWORD), created_at=clock_module.now()))
        uow.commit()


@pytest.fixture(scope="module")
def web_world(tmp_path_factory, pg_engine):
    tmp = tmp_path_factory.mktemp("portal-suspend")
    with fresh_container(tmp, pg_engine, START_2021) as (container, travel):
        driver = Driver(container, travel)
        facts = {"driver": driver}
        for username in OUTCOMES:
            reg, ref = hearing_scheduled(driver, travel)
            _user(container, username, ["unit"], reg["unit_id"])
            facts[username] = ref
        _user(container, "legalS", ["legal_reviewer"])
        travel.travel_to(datetime(2021, 3, 11, 2, 0, tzinfo=clock_module.UTC))
        for username, outcome in OUTCOMES.items():
            driver.complete(facts[username], "hearing_record", outcome, LEGAL)
        yield container, facts


def _page(app, username: str, path: str) -> str:
    client = app.test_client()
    sign_in(client, username)
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_the_unit_sees_its_hearing_suspended_with_the_ground(app, facts):
    ref = facts["unitS1"]
    page = _page(app, "unitS1", f"/portal/cases/{ref}?lang=zh")
    assert 'id="hearing-suspended"' in page and "2021-03-11 中止听证" in page
    assert "因回避致使听证不能继续进行" in page and "须另行指定主持人" in page and "第一百四十八条" in page
    assert 'id="postpone-form"' not in page  # nothing set to postpone while suspended
    english = _page(app, "unitS1", f"/portal/cases/{ref}?lang=en")
    assert "The hearing was suspended on 2021-03-11" in english and "a recusal keeps the hearing" in english

    facts["driver"].complete(ref, "hearing_resumption", {"resumption": "resume", "resume_on": "2021-03-25",
                                                         "result_reasons": "已另行指定主持人"}, LEGAL)
    page = _page(app, "unitS1", f"/portal/cases/{ref}?lang=zh")
    assert 'id="hearing-suspended"' not in page and 'id="hearing-waiting"' in page
    assert "恢复听证：听证定于 2021-03-25 举行" in page


def test_the_unit_sees_its_hearing_terminated_with_the_ground(app, facts):
    ref = facts["unitT1"]
    page = _page(app, "unitT1", f"/portal/cases/{ref}?lang=zh")
    assert 'id="hearing-terminated"' in page and "2021-03-11 终止听证" in page
    assert "无正当理由拒不出席" in page and "第一百四十九条第二项" in page and "无正当理由未到场" in page
    english = _page(app, "unitT1", f"/portal/cases/{ref}?lang=en")
    assert "The hearing was terminated on 2021-03-11" in english and "stayed away without good reason" in english


def test_the_staff_case_page_keeps_the_suspension_and_the_termination(app, facts):
    suspended = _page(app, "legalS", f"/cases/{facts['unitS1']}?lang=zh")
    assert 'id="hearing-suspension-1"' in suspended and "因回避致使听证不能继续进行" in suspended
    terminated = _page(app, "legalS", f"/cases/{facts['unitT1']}?lang=en")
    assert 'id="hearing-termination"' in terminated and "Terminated on 2021-03-11" in terminated
    assert "stayed away without good reason" in terminated
