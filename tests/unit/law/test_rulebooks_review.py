"""Review findings: scoped local rules, fine bands within the national band, mapped codes."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from casework.rulebooks import (
    NoApplicableRule,
    effective,
    filing_window,
    load_rulebook,
)

BEFORE = date(2025, 3, 31)
TODAY = date(2026, 3, 2)


def test_changzhou_government_funded_systems_file_under_the_national_rule():
    # 常州 第十七条 binds only 非政府投资 systems; 条例 第十四条 binds every 管理单位.
    private = filing_window("changzhou", "after_acceptance", TODAY, government_funded=False)
    assert (private.source, private.article) == ("changzhou", "第十七条第一款")
    public = filing_window("changzhou", "after_acceptance", TODAY, government_funded=True)
    assert (public.source, public.article, public.runs_from) == (
        "national", "第十四条第一款", "going_into_use")
    assert "第十四条" in effective("changzhou", TODAY).filing["after_acceptance"].note
    with pytest.raises(NoApplicableRule):  # before 2025-04-01 no text asked them to file
        filing_window("changzhou", "after_acceptance", BEFORE, government_funded=True)
    assert filing_window("changzhou", "after_acceptance", BEFORE,
                         government_funded=False).source == "changzhou"


def _local_with(code: str, violation_code: str, **changes):
    book = load_rulebook(code)
    rule = replace(book.violations[violation_code], **changes)
    return replace(book, violations={**book.violations, violation_code: rule})


def test_local_band_below_the_national_floor_is_raised_to_it():
    # A 规章 may only specify within the 条例's band (行政处罚法 第十四条): a local
    # 500-1000 for 条例 第二十七条第一款 (units 1万-2万) must not lower the fine.
    from casework.rulebooks.merge import merge

    national = load_rulebook("national")
    base = load_rulebook("taiyuan").violations["unauthorised_build"]
    low = replace(base.fines[1], party_types=("business", "other"), min=500, max=1000,
                  when="immediate")
    local = _local_with("taiyuan", "privacy_place", fines=(low,), escalation="fine")
    rule = merge(local, national, TODAY).violations["privacy_place"]
    bands = {p: (f.min, f.max) for f in rule.fines for p in f.party_types}
    assert bands["business"] == (10000, 20000) and bands["other"] == (10000, 20000)
    # persons: the local text fines none, the national one does; it is not dropped
    assert bands["person"] == (5000, 10000)
    assert any("下限" in f.note for f in rule.fines if "business" in f.party_types)
    assert {f.source for f in rule.fines if "person" in f.party_types} == {"national"}


def test_national_article_8_item_1_is_lodging_rooms_not_karaoke_rooms():
    # 条例 第八条第一款第一项: "旅馆、饭店、宾馆、招待所、民宿等经营接待食宿场所的客房或者包间内部"
    # covers rooms of places that lodge or feed guests, not 娱乐场所包房.
    [item] = [p for p in load_rulebook("national").privacy_places if p.article == "第八条第一款第一项"]
    assert item.kinds == ("hotel_room",)


@pytest.mark.parametrize("code", ["not_built_mandatory", "not_filed", "interruption",
                                  "short_retention", "access_rules_broken"])
def test_taiyuan_unit_only_provisions_do_not_fine_individuals(code):
    # 第二十四条 "使用和管理单位应当建设…而未建设的"; 第二十六条第一项 → 第十六条 建设单位/使用单位;
    # 第二十七条 → 第十九条 "公共安全视频图像信息系统的使用单位应当遵守下列规定".
    rule = load_rulebook("taiyuan").violations[code]
    assert "person" not in rule.party_types
    assert all("person" not in f.party_types for f in rule.fines)
    assert rule.fines and all(f.party_types == ("business", "other") for f in rule.fines)


@pytest.mark.parametrize("code", ["not_filed", "false_filing"])
def test_national_filing_penalties_reach_management_units_only(code):
    # 条例 第十四条: "公共安全视频系统管理单位应当…备案" (第七条第三款: 政府有关部门、负有经营管理
    # 责任的单位); 第九条第二款 exempts other installers from 第十四条. 第二十九条 thus fines units.
    rule = load_rulebook("national").violations[code]
    assert rule.party_types == ("business", "other")
    assert all(f.party_types == ("business", "other") for f in rule.fines)
