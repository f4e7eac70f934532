"""The attachments a rulebook's filing window asks for are fields of the kind's form, and mark it.

(Their quotes are checked against the source texts with every other quote of a rulebook:
tests/unit/law/test_rulebooks_data.py.)
"""
from __future__ import annotations

from datetime import date

from casework import rulebooks
from casework.services.cases import filing_forms


def _form_attachments(kind: str) -> dict:
    return filing_forms.form(kind, None)["schema"]["properties"]["attachments"]["properties"]


def test_every_listed_attachment_is_a_field_of_the_kinds_form():
    labels = rulebooks.vocabulary()["filing_attachments"]
    listed = 0
    for code in rulebooks.list_codes():
        for kind, rule in rulebooks.load_rulebook(code).filing.items():
            if rule.attachments is None:
                continue
            listed += 1
            assert kind in filing_forms.KINDS
            assert set(rule.attachments.items) <= set(_form_attachments(kind)), (code, kind)
    assert listed == 7  # taiyuan 2, changzhou 1, tengchong 4
    for kind in filing_forms.KINDS:  # the vocabulary names each field as its form does
        for name, prop in _form_attachments(kind).items():
            assert labels[name] == prop["title"], (kind, name)


def test_the_local_list_binds_only_under_the_local_window():
    on = date(2026, 3, 2)
    assert filing_forms.required("changzhou", "after_acceptance", on, False)["article"] == "第十七条"
    # 常州 第十七条 covers systems not funded by government: the national rule binds the others
    assert filing_forms.required("changzhou", "after_acceptance", on, True) is None
    assert filing_forms.required("tengchong", "camera_change", date(2021, 3, 1), False)["attachments"] == ["point_map"]
    form = filing_forms.form("after_acceptance", filing_forms.required("taiyuan", "after_acceptance", on, False))
    assert "attachments" in form["schema"]["required"]
    assert "contract" in form["schema"]["properties"]["attachments"]["required"]
