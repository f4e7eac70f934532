"""effective(): local over national, stricter wins from 2025-04-01, expiry, fallback."""
from __future__ import annotations

import sys
from datetime import date

import pytest

from casework.errors import InvalidInput, RuleViolation
from casework.rulebooks import (
    NoApplicableRule,
    RulebookExpired,
    RulebookNotYetValid,
    UnknownRulebook,
    effective,
    filing_window,
    is_mandatory_site,
    is_privacy_place,
    retention_days,
    to_json,
    violation,
)

BEFORE = date(2025, 3, 31)
AFTER = date(2025, 4, 1)
TODAY = date(2026, 3, 2)


def test_local_retention_before_national_then_stricter_national():
    local = retention_days("taiyuan", BEFORE)
    assert (local.min_days, local.source, local.article) == (15, "taiyuan", "第十九条第三项")
    assert local.max_after_purpose_days is None
    now = retention_days("taiyuan", AFTER)
    assert (now.min_days, now.max_after_purpose_days, now.source, now.article) == (
        30, 30, "national", "第十七条")
    assert "30日后" in now.quote


def test_retention_falls_back_to_national_where_local_is_silent():
    with pytest.raises(NoApplicableRule):
        retention_days("anyang", BEFORE)
    rule = retention_days("anyang", TODAY)
    assert (rule.min_days, rule.source) == (30, "national")
    decision = next(d for d in effective("anyang", TODAY).decisions if d.topic == "retention")
    assert decision.reason == "national_fallback" and decision.chosen == "national"


def test_filing_windows_shorter_wins_and_alias():
    rule = filing_window("changzhou", "after_dismantling", TODAY)
    assert (rule.period, rule.source, rule.article) == ("15d", "changzhou", "第十九条")
    same = filing_window("taiyuan", "going_into_use", TODAY)  # alias of after_acceptance
    assert (same.period, same.runs_from, same.source) == ("30d", "acceptance_passed", "taiyuan")
    fallback = filing_window("inner_mongolia", "after_acceptance", TODAY)
    assert (fallback.source, fallback.article, fallback.runs_from) == (
        "national", "第十四条第一款", "going_into_use")
    with pytest.raises(NoApplicableRule):
        filing_window("inner_mongolia", "after_acceptance", BEFORE)
    with pytest.raises(InvalidInput):
        filing_window("taiyuan", "whenever", TODAY)


def test_pre_existing_window_is_the_national_one_after_it_took_force():
    assert filing_window("taiyuan", "pre_existing", BEFORE).period == "60d"
    rule = filing_window("taiyuan", "pre_existing", TODAY)
    assert (rule.period, rule.source, rule.runs_from_date) == ("90d", "national", AFTER)
    assert "2010-10-01" in rule.note


def test_local_fine_capped_and_delayed_by_national():
    before = violation("taiyuan", "not_filed", BEFORE)
    assert [(f.min, f.max, f.when) for f in before.fines] == [(500, 1000, "with_order")]
    after = violation("taiyuan", "not_filed", TODAY)
    assert [(f.min, f.max, f.when, f.source) for f in after.fines] == [
        (500, 1000, "not_corrected", "taiyuan")]
    assert after.correction.text_silent and after.correction.default == "15d"


def test_national_order_only_replaces_local_fine_for_signage():
    assert violation("taiyuan", "no_signage", BEFORE).fines
    rule = violation("taiyuan", "no_signage", TODAY)
    assert (rule.source, rule.article, rule.fines) == ("national", "第十三条", ())


def test_local_penalty_stands_where_national_has_none():
    rule = violation("taiyuan", "short_retention", TODAY)
    assert rule.source == "taiyuan" and rule.fines[0].max == 1000


def test_national_violation_fallback_names_its_source():
    rule = violation("changzhou", "false_filing", TODAY)
    assert (rule.source, rule.article) == ("national", "第二十九条")
    assert rule.fines[0].max == 10000 and rule.fines[0].min is None
    with pytest.raises(NoApplicableRule):
        violation("changzhou", "false_filing", BEFORE)


def test_warning_first_and_tiers():
    rule = violation("inner_mongolia", "not_built_mandatory", BEFORE)
    assert [(f.when, f.min, f.max) for f in rule.fines] == [
        ("not_corrected", 5000, 10000), ("serious", 10000, 30000)]
    assert violation("tengchong", "obstructed", date(2020, 1, 1)).warning_first is True


def test_national_cap_applies_to_a_higher_local_band():
    rule = violation("inner_mongolia", "privacy_place", TODAY)  # local: no penalty
    assert rule.source == "national"
    access = violation("inner_mongolia", "access_refused", TODAY)
    assert access.source == "inner_mongolia" and access.fines[0].max == 20000


def test_tengchong_expired_cannot_open_cases():
    assert retention_days("tengchong", date(2022, 9, 4)).min_days == 30
    with pytest.raises(RulebookExpired) as info:
        effective("tengchong", date(2022, 9, 5))
    assert "2022-09-04" in str(info.value) and isinstance(info.value, RuleViolation)
    with pytest.raises(RulebookExpired):
        violation("tengchong", "obstructed", TODAY)


def test_before_valid_from_is_a_clear_error():
    with pytest.raises(RulebookNotYetValid) as info:
        effective("national", date(2025, 3, 1))
    assert "2025-04-01" in str(info.value)
    with pytest.raises(RulebookNotYetValid):
        effective("changzhou", date(2014, 12, 31))
    with pytest.raises(UnknownRulebook):
        effective("atlantis", TODAY)


def test_privacy_places_and_mandatory_sites_union():
    assert not is_privacy_place("anyang", "toilet", BEFORE)
    answer = is_privacy_place("anyang", "toilet", TODAY)
    assert answer and answer.basis[0].source == "national"
    assert not is_privacy_place("taiyuan", "public_area", TODAY)
    site = is_mandatory_site("taiyuan", "highway_service_area", TODAY)
    assert site and site.basis[0].article == "第七条第二款第四项"
    assert not is_mandatory_site("taiyuan", "highway_service_area", BEFORE)
    assert is_mandatory_site("tengchong", "forestry", date(2020, 1, 1))
    with pytest.raises(InvalidInput):
        is_privacy_place("taiyuan", "moon", TODAY)


def test_acceptance_and_access_merge():
    eff = effective("anyang", TODAY)
    kinds = [s.kind for s in eff.acceptance.steps]
    assert kinds == ["certified_test", "acceptance", "publish_grade"]
    im = effective("inner_mongolia", BEFORE).acceptance
    assert im.steps[0].kind == "trial_run" and im.steps[0].period == "1m"
    cz = effective("changzhou", TODAY).acceptance
    assert [s.by for s in cz.steps_for(government_funded=True) if s.kind == "acceptance"] == [
        "项目审批部门会同公安机关等相关部门"]
    access = effective("taiyuan", TODAY).access
    assert access.min_officers == 2 and access.article == "第二十二条第一项"
    assert {"police", "self_or_relative"} <= {r.kind for r in access.requesters}


def test_to_json_round_trips_and_module_is_pure():
    text = to_json(effective("taiyuan", TODAY))
    assert '"第十七条"' in text and '"national_stricter"' in text
    for name in ("flask", "sqlalchemy", "SpiffWorkflow", "av"):
        assert not any(m == name or m.startswith(name + ".") for m in _rulebook_imports())


def _rulebook_imports() -> set[str]:
    import subprocess

    code = ("import sys; before=set(sys.modules); import casework.rulebooks, datetime;"
            "casework.rulebooks.effective('taiyuan', datetime.date(2026,1,1));"
            "print('\\n'.join(set(sys.modules)-before))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())
