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
