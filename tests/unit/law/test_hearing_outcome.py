"""Suspending and terminating the hearing (公安机关办理行政案件程序规定 第一百四十八条、第一百四十九条):
each ground's words sit in the article item it cites, and the forms ask for a ground exactly when
the hearing is suspended or terminated — in the engine's check and in the page's."""
from __future__ import annotations

import json
import re

import pytest
from flask import Flask
from flask_babel import Babel

from casework.config import PROJECT_ROOT
from casework.engine.model.forms import check_form_data
from casework.engine.model.serializer import VersionEntry
from casework.errors import InvalidInput
from casework.services.penalty.hearing_outcome import SUSPENSION_GROUNDS, TERMINATION_GROUNDS
from tests.unit.law.test_penalty_settings import NUMERAL, article_spans
from tests.unit.law.test_rulebooks_data import SHARED, cn_to_int, norm
from web import forms as web_forms

PROCEDURE = "national/police-administrative-case-procedure-2018.md"
FORMS = {key: json.loads((PROJECT_ROOT / "forms" / f"{key}.json").read_text(encoding="utf-8"))
         for key in ("hearing_record", "hearing_resumption")}
GROUNDS = [(f"suspension.{k}", v) for k, v in SUSPENSION_GROUNDS.items()] + \
          [(f"termination.{k}", v) for k, v in TERMINATION_GROUNDS.items()]


@pytest.mark.parametrize("name,ground", GROUNDS, ids=[n for n, _ in GROUNDS])
def test_each_ground_quotes_the_item_it_cites(name, ground):
    if not SHARED.is_dir():
        pytest.skip("shared regulations folder not present")
    article, words, english = ground
    text = norm((SHARED / PROCEDURE).read_text(encoding="utf-8"))
    number = re.search(rf"第([{NUMERAL}]+)条", article).group(1)
    start, end = article_spans(text)[cn_to_int(number)]
    body = text[start:end]
    item = re.search(r"第([一二三四五六七八九十]+)项", article).group(1)
    assert f"（{item}）" in body, name
    found = body.index(f"（{item}）")
    following = body.find("（", found + 3)
    assert words in body[found:following if following > 0 else None], name
    assert english.isascii() and english


def _version() -> VersionEntry:
    return VersionEntry((None, {}), dict(FORMS))


@pytest.mark.parametrize("form,data,field", [
    ("hearing_record", {"hearing_result": "suspended", "result_reasons": "需要重新鉴定"}, "suspension_ground"),
    ("hearing_record", {"hearing_result": "suspended", "suspension_ground": "recusal"}, "result_reasons"),
    ("hearing_record", {"hearing_result": "terminated", "result_reasons": "撤回"}, "termination_ground"),
    ("hearing_record", {"hearing_result": "held", "outcome": "建议从轻"}, "record"),
    ("hearing_record", {"record": "陈述", "outcome": "建议从轻"}, "hearing_result"),
    ("hearing_record", {"hearing_result": "suspended", "suspension_ground": "tired", "result_reasons": "x"},
     "suspension_ground"),
    ("hearing_resumption", {"resumption": "resume", "result_reasons": "证人已到"}, "resume_on"),
    ("hearing_resumption", {"resumption": "resume", "resume_on": "2021-02-30", "result_reasons": "x"},
     "resume_on"),
    ("hearing_resumption", {"resumption": "terminate", "result_reasons": "撤回"}, "termination_ground"),
])
def test_the_engine_refuses_an_outcome_without_what_it_needs(form, data, field):
    with pytest.raises(InvalidInput, match=field):
        check_form_data(_version(), form, data)


@pytest.mark.parametrize("form,data", [
    ("hearing_record", {"hearing_result": "held", "record": "陈述", "outcome": "建议从轻"}),
    ("hearing_record", {"hearing_result": "suspended", "suspension_ground": "new_evidence",
                        "result_reasons": "x"}),
    ("hearing_record", {"hearing_result": "terminated", "termination_ground": "absent", "result_reasons": "x"}),
    ("hearing_resumption", {"resumption": "resume", "resume_on": "2021-03-24", "result_reasons": "证人已到"}),
    ("hearing_resumption", {"resumption": "terminate", "termination_ground": "withdrawn", "result_reasons": "x"}),
])
def test_each_outcome_with_its_fields_passes(form, data):
    check_form_data(_version(), form, data)


def test_the_page_names_the_missing_ground_beside_its_field():
    app = Flask(__name__)
    Babel(app)
    with app.test_request_context():
        errors = web_forms.validate(FORMS["hearing_record"], {"hearing_result": "suspended"})
        assert set(errors) == {"suspension_ground", "result_reasons"}
        assert web_forms.validate(FORMS["hearing_record"], {"hearing_result": "held", "record": "陈述",
                                                             "outcome": "建议从轻"}) == {}
        fields = {f.name: f for f in web_forms.fields(FORMS["hearing_record"], {}, {}, "zh")}
        assert fields["hearing_result"].kind == "select" and fields["hearing_result"].required
        assert fields["suspension_ground"].options == ["new_evidence", "recusal", "other"]
        assert "第一百四十八条" in fields["suspension_ground"].label
        resumption = {f.name: f for f in web_forms.fields(FORMS["hearing_resumption"], {}, {}, "en")}
        assert resumption["resume_on"].kind == "date" and resumption["resume_on"].label.startswith("New hearing")
