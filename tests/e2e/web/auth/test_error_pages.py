"""A refusal reaches the shared error page in the page's language only (services write both)."""
from __future__ import annotations

from casework.errors import Conflict


def test_a_refusal_page_shows_the_pages_language_only(app):
    @app.route("/test-refusal")
    def refuse():
        raise Conflict("草稿已被他人保存 / the draft was saved by someone else")

    client = app.test_client()
    zh = client.get("/test-refusal")
    assert zh.status_code == 409
    assert "草稿已被他人保存" in zh.get_data(as_text=True)
    assert "saved by someone else" not in zh.get_data(as_text=True)
    en = client.get("/test-refusal?lang=en").get_data(as_text=True)
    assert "saved by someone else" in en and "草稿已被他人保存" not in en
