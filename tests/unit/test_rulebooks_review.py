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
