"""The generic form renderer: parse by the schema's types, validate by the schema, keep input."""
from __future__ import annotations

import hashlib
import io

from flask import Flask
from flask_babel import Babel
from werkzeug.datastructures import FileStorage

from casework.storage.files import FileStore
from web import forms

FORM = {"title": {"zh": "测试", "en": "Test"}, "schema": {
    "type": "object", "additionalProperties": False, "required": ["facts", "days", "approved"],
    "properties": {
        "facts": {"type": "string", "minLength": 1, "maxLength": 20, "title": "事实", "description": "Facts"},
        "days": {"type": "integer", "minimum": 1, "maximum": 30, "title": "期限", "description": "Days"},
        "approved": {"type": "boolean", "title": "批准", "description": "Approve"},
        "officers": {"type": "array", "minItems": 2, "items": {"type": "string"}, "title": "人员"},
        "checks": {"type": "object", "title": "检查", "properties": {"signage": {"type": "boolean"}}},
        "report": {"type": "string", "format": "attachment", "title": "报告", "description": "Report"},
    }}}
PDF = b"%PDF-1.4 test report\n%%EOF"


def _app():
    app = Flask(__name__)
    Babel(app)
    return app


def _upload(body: bytes, name: str = "r.pdf") -> FileStorage:
    return FileStorage(stream=io.BytesIO(body), filename=name)


def test_errors_by_field_and_nothing_typed_is_lost(tmp_path):
    with _app().test_request_context():
        posted = {"facts": "很长" * 20, "days": "三十", "officers": "李明"}
        data, raw, errors = forms.parse(FORM, posted, {}, FileStore(tmp_path))
        errors.update(forms.validate(FORM, data))
        assert set(errors) == {"facts", "days", "approved", "officers"}
        assert raw["days"] == "三十" and raw["facts"] == "很长" * 20
        fields = {f.name: f for f in forms.fields(FORM, raw, errors, "zh")}
        assert fields["days"].value == "三十" and fields["days"].error
        assert fields["facts"].label == "事实" and fields["checks"].children[0].name == "checks.signage"
        assert forms.fields(FORM, raw, errors, "en")[0].label == "Facts"


def test_a_good_post_becomes_typed_data_and_the_attachment_is_stored_by_hash(tmp_path):
    store = FileStore(tmp_path)
    with _app().test_request_context():
        posted = {"facts": "未设置标志", "days": "7", "approved": "true", "officers": "李明\n王刚\n",
                  "checks.signage": "true"}
        data, _raw, errors = forms.parse(FORM, posted, {"report": [_upload(PDF)]}, store)
        assert not errors and not forms.validate(FORM, data)
        digest = hashlib.sha256(PDF).hexdigest()
        assert data == {"facts": "未设置标志", "days": 7, "approved": True, "officers": ["李明", "王刚"],
                        "checks": {"signage": True}, "report": f"sha256:{digest}"}
        assert store.get(f"attachments/{digest[:2]}/{digest}") == PDF


def test_attachments_are_limited_by_type_and_size(tmp_path, monkeypatch):
    store = FileStore(tmp_path)
    with _app().test_request_context():
        _d, _r, errors = forms.parse(FORM, {}, {"report": [_upload(b"MZ\x90 not a pdf", "x.exe")]}, store)
        assert "report" in errors
        monkeypatch.setattr(forms, "ATTACHMENT_MAX_BYTES", 10)
        _d, _r, errors = forms.parse(FORM, {}, {"report": [_upload(PDF)]}, store)
        assert "report" in errors and not list(tmp_path.rglob("*.pdf"))
