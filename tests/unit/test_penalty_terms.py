"""The penalty procedure's numbers (casework.services.penalty.terms), each from its article."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from casework.errors import InvalidInput, RuleViolation
from casework.services.penalty import terms

BAND = {"min": 10000, "max": 30000, "article": "第三十一条"}


def test_amount_outside_the_band_names_band_and_article():
    terms.check_amount(10000, BAND)
    terms.check_amount(30000, BAND)
    with pytest.raises(RuleViolation, match="10000元以上30000元以下.*|第三十一条"):
        terms.check_amount(30001, BAND)
    with pytest.raises(RuleViolation, match="未规定罚款"):
        terms.check_amount(100, None)


def test_discretion_table_tiers_split_the_band():
    assert terms.discretion_range("taiyuan", BAND, "lighter") == (10000, 16000)
    assert terms.discretion_range("taiyuan", BAND, "heavier") == (24000, 30000)
    assert "第三十四条" in terms.setting("taiyuan", "discretion")["article"]
    with pytest.raises(InvalidInput):
        terms.discretion_range("taiyuan", BAND, "harsh")


def test_hearing_threshold_per_party_with_its_source():
    assert terms.hearing_right("x", "business", "fine", 10000) is True
    assert terms.hearing_right("x", "other", "fine", 9999) is False
    assert terms.hearing_right("x", "person", "fine", 2000) is True
    assert terms.hearing_right("x", "business", "warning", 0) is False
    assert terms.setting("x", "hearing")["article"] == "第一百二十三条第二款"


def test_simplified_procedure_for_warnings_and_small_fines():
    assert terms.simplified("x", "business", "warning", 0)
    assert terms.simplified("x", "business", "fine", 3000)
    assert not terms.simplified("x", "business", "fine", 3001)
    assert not terms.simplified("x", "person", "fine", 201)


def test_two_year_limitation_and_first_minor_violation():
    assert not terms.time_barred(date(2024, 2, 29), date(2026, 2, 28))
    assert terms.time_barred(date(2024, 3, 1), date(2026, 3, 2))
    assert "第三十三条" in terms.no_penalty(True, True, True, True)
    assert terms.no_penalty(False, False, True, False) == ""


def test_statement_never_raises_the_penalty_and_surcharge_is_capped():
    terms.not_raised(15000, 12000)
    with pytest.raises(RuleViolation, match="第四十五条"):
        terms.not_raised(12000, 15000)
    charge = terms.surcharge(1000, date(2026, 3, 17), date(2026, 4, 16))
    assert (charge["days"], charge["amount"], charge["capped"]) == (30, Decimal("900.00"), False)
    charge = terms.surcharge(1000, date(2026, 3, 17), date(2026, 6, 1))
    assert (charge["amount"], charge["total"], charge["capped"]) == (Decimal("1000.00"), Decimal("2000.00"), True)
    assert terms.surcharge(1000, date(2026, 3, 17), date(2026, 3, 1))["amount"] == 0
