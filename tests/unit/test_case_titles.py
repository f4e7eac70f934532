"""Every kind of case has its Chinese title (the case's name in lists and on its page)."""
from __future__ import annotations

from casework.models.cases import CASE_KINDS
from casework.services.cases.cases import TITLES


def test_every_case_kind_has_a_title():
    assert set(TITLES) == set(CASE_KINDS)
    assert TITLES["penalty"] == "行政处罚"
