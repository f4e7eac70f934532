"""Both catalogues (zh, en) translate every string the web code and templates use."""
from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

WEB = Path(__file__).resolve().parents[3] / "web"
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]


def _used() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            WEB, METHODS, keywords={"_": None, "gettext": None}):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_used_string_is_translated_in_both_catalogues_and_compiled():
    used = _used()
    assert len(used) > 50
    for lang in ("zh", "en"):
        folder = WEB / "translations" / lang / "LC_MESSAGES"
        with open(folder / "messages.po", "rb") as fh:
            po = {m.id: m.string for m in read_po(fh) if m.id}
        with open(folder / "messages.mo", "rb") as fh:
            mo = {m.id: m.string for m in read_mo(fh) if m.id}
        missing = sorted(m for m in used if not po.get(m))
        assert not missing, f"{lang}: untranslated {missing}"
        assert po == mo, f"{lang}: messages.mo is stale; compile the catalogue"
    with open(WEB / "translations" / "zh" / "LC_MESSAGES" / "messages.po", "rb") as fh:
        zh = {m.id: m.string for m in read_po(fh) if m.id}
    assert zh["Tasks"] == "待办" and all(zh[m] != m for m in used if m not in ("SHA-256",))
