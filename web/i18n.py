"""Language (Chinese first, English switchable) and local time (Asia/Shanghai).

Server texts in the page's language: the services write a message once in both languages,
"中文 / English"; a validation problem with a message key also carries its own line per
language (`message_zh`, `message_en`)."""
from __future__ import annotations

import re
from pathlib import Path

from urllib.parse import urlencode

from flask import Flask, g, request, session, url_for
from flask_babel import Babel, get_locale, get_translations
from jinja2 import pass_eval_context
from markupsafe import Markup

from casework import clock
from casework.services.cases import titles

LANGUAGES = ("zh", "en")
babel = Babel()


def select_locale() -> str:
    wanted = request.args.get("lang")
    if wanted in LANGUAGES:
        session["lang"] = wanted
    return session.get("lang") if session.get("lang") in LANGUAGES else "zh"


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "zh")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(Path(__file__).parent / "translations")
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["local"] = clock.format_local
    app.jinja_env.filters["deadline"] = clock.format_deadline
    app.jinja_env.filters["case_title"] = lambda stored, lang=None: titles.case_title(
        stored, lang or get_locale().language)  # title|case_title, or (in a loop) title|case_title(lang)
    app.jinja_env.filters["task_title"] = titles.task_title  # name|task_title(form_key, lang)
    app.jinja_env.filters["law"] = lambda instrument, article="": titles.citation(
        instrument, article, get_locale().language)  # instrument|law(article): 《…》article, in English its title
    app.jinja_env.filters["cites"] = lambda text: titles.cited_text(text, get_locale().language)  # "《A》第一条；《B》…", in English the titles
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["language_links"] = language_links
    _translate_templates_per_request(app)


def _translations():
    """The request's catalogue, looked up once: flask-babel's own path costs a dozen context
    look-ups per string. Kept in its slot, which `refresh()` and `force_locale()` reset."""
    try:
        app_globals = g._get_current_object()  # one context look-up, not one per attribute
    except RuntimeError:  # no application context: flask-babel's answer (no translations)
        return get_translations()
    state = app_globals.__dict__.get("_flask_babel")
    cached = getattr(state, "babel_translations", None)
    if cached is None:
        cached = get_translations()
        if state is not None:
            state.babel_translations = cached
    return cached


def gettext(string: str, **variables) -> str:
    """flask-babel's gettext through the request's catalogue, looked up once: what every view calls."""
    text = _translations().ugettext(string)
    return text % variables if variables else text


def _translate_templates_per_request(app: Flask) -> None:
    """Templates translate through the request's catalogue, looked up once per request."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True)
    app.jinja_env.globals["_"] = template_gettext


_TRANSLATED: dict[tuple, Markup] = {}  # (catalogue, text): a catalogue never changes once loaded
_TRANSLATED_MAX = 20_000


@pass_eval_context
def template_gettext(eval_ctx, string: str, **variables) -> str:
    """`_()` in templates, as Jinja's newstyle gettext answers (always %-formatted, escaped
    variables), with each text's translation kept per catalogue: a page's forty strings cost
    a dictionary look-up each instead of three nested template calls and a catalogue search."""
    key = (_translations(), string)
    translated = _TRANSLATED.get(key)
    if translated is None:
        translated = Markup(key[0].ugettext(string))
        if len(_TRANSLATED) < _TRANSLATED_MAX:
            _TRANSLATED[key] = translated
    if not eval_ctx.autoescape:
        return str(translated) % variables
    if not variables and "%" not in translated:
        return translated  # what `% {}` would give, without building it again
    return translated % variables


LANGUAGE_NAMES = {"zh": "中文", "en": "English"}


def language_links(home: str | None, actor) -> list[tuple[str, str, bool]]:
    """The language switch: (name, link, current) per language. A link is a GET: the page
    itself with its query, or for the answer to a post (a code shown once, a refused form, an
    oversized upload) the same URL if it takes GET, else the door's home; a page may name its
    own `home`."""
    if home is None:
        if request.method == "GET" or (request.url_rule and "GET" in request.url_rule.methods):
            kept = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
            home = request.script_root + request.path + ("?" + urlencode(kept) if kept else "")
        elif (actor and actor.is_unit_user) or request.blueprint == "portal":
            home = url_for("portal.home")
        else:
            home = url_for("queue.tasks" if actor else "auth.sign_in")
    joint = "&" if "?" in home else "?"
    current = get_locale().language
    return [(LANGUAGE_NAMES[code], f"{home}{joint}lang={code}", code == current) for code in LANGUAGES]


CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
SEPARATOR = " / "


def shown(error: Exception) -> str:
    """A domain error's message in the page's language."""
    return one_language(str(error), get_locale().language)


def one_language(text: str, lang: str) -> str:
    """The `lang` half of "中文 / English": split where Chinese ends; no such split: the whole text."""
    at = text.find(SEPARATOR)
    while at != -1:
        head, tail = text[:at], text[at + len(SEPARATOR):]
        if CJK.search(head) and tail.strip() and not CJK.search(tail):
            return head if lang == "zh" else tail
        at = text.find(SEPARATOR, at + 1)
    return text


def problem(found: dict, lang: str) -> dict:
    """A validation problem with `text`: its line in `lang` when it has one, else its message's half."""
    own = found.get(f"message_{lang}")
    return {**found, "text": own if isinstance(own, str) and own else one_language(str(found.get("message", "")), lang)}


def problems(found: list[dict], lang: str) -> list[dict]:
    return [problem(p, lang) for p in found]
