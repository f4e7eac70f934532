"""Issue 14: discretion tiers (裁量基准, APL 第三十四条) are data per jurisdiction with their source;
where none is published the proposal page says the tiers are Casework's default."""
from __future__ import annotations

import pytest

from casework import rulebooks
from casework.services.penalty import terms
from casework.services.processes import tasks
from tests.integration.lifecycle.lifecycle_driver import CLERK, LEGAL, Driver
from tests.integration.penalty.test_penalty_procedure import inner_mongolia_case, investigate, propose

JURISDICTIONS = ("anyang", "taiyuan", "tengchong", "inner_mongolia", "changzhou")


@pytest.fixture
def driver(container, clock):
    return Driver(container, clock)


@pytest.mark.parametrize("code", JURISDICTIONS)
def test_every_jurisdiction_has_a_tier_table_naming_its_source(code):
    table = terms.discretion_table(code)
    assert table["jurisdiction"] == code and table["published"] is False
    assert table["casework_default"] is True and "Casework" in table["source"]
    title = rulebooks.load_rulebook(code).instrument.title
    assert title in table["searched"]  # the text that was read, and found silent
    assert table["lighter"][0] == 0.0 and table["heavier"][1] == 1.0


def test_the_proposal_page_shows_the_band_its_article_and_the_default_tiers(driver):
    reg, ref = inner_mongolia_case(driver)
    investigate(driver, ref)
    item = driver.task(ref, "penalty_proposal")
    notes = tasks.task_form(driver.uow(), actor=CLERK, work_item_id=item.id)["notes"]
    zh = [n["zh"] for n in notes]
    assert zh[0] == "罚款幅度：5000元以上10000元以下（《内蒙古自治区公共安全视频监控图像信息系统管理办法》第二十三条）。"
    assert zh[1].startswith("从轻档：5000元至6500元") and "第一百五十九条" in zh[1]
    assert zh[2].startswith("一般档：6500元至8500元") and "适用本档" in zh[2]
    assert zh[3].startswith("从重档：8500元至10000元") and "第一百六十条" in zh[3]
    assert "Casework 的默认值，不是公安机关" in zh[4] and "第203号" in zh[4]
    assert all(n["en"] for n in notes) and "Casework's default" in notes[4]["en"]
    propose(driver, ref, "fine", 9000, tier="ordinary")
    data = driver.case_data(ref)
    assert data["discretion"] == {"tier": "ordinary", "low": 6500, "high": 8500, "within": False,
                                  "source": terms.discretion_table("inner_mongolia")["source"],
                                  "article": "《中华人民共和国行政处罚法》第三十四条",
                                  "casework_default": True}
    driver.confirm_all(ref, reg["unit"])
    driver.complete(ref, "penalty_response", {"statement": "", "hearing_requested": False}, reg["unit"])
    review = driver.task(ref, "penalty_legal_review")
    [note] = tasks.task_form(driver.uow(), actor=LEGAL, work_item_id=review.id)["notes"]
    assert note["zh"] == "拟罚款9000元，一般档6500元至8500元（Casework 默认裁量档次），不在该档范围内，须说明理由。"
