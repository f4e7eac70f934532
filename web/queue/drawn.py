"""Queue page fragments drawn once and kept, keyed by everything they show.

Clerks open the same queues all day; a fragment drawn by Jinja costs many times its look-up.
Each fragment is a macro that reads only its arguments (tests hold the templates to that), and
its key is those arguments (hashable: named tuples, strings, flags) with the page's language: a
fragment whose content would differ has another key, so a kept one is never stale."""
from __future__ import annotations

from typing import Hashable

from flask import current_app
from markupsafe import Markup

MAX_KEPT = 5000  # per fragment and worker: a few MB


class Kept:
    """One macro's drawings, by key."""

    def __init__(self, template: str, macro: str) -> None:
        self.template, self.macro = template, macro
        self._drawn: dict[Hashable, Markup] = {}

    def draw(self, lang: str, *args: Hashable) -> Markup:
        """The macro drawn with `args` in the page's language `lang` (the caller's, found once)."""
        key = (lang, *args)
        html = self._drawn.get(key)
        if html is None:
            module = current_app.jinja_env.get_template(self.template).module
            html = Markup(getattr(module, self.macro)(*args))
            if len(self._drawn) >= MAX_KEPT:
                self._drawn.clear()
            self._drawn[key] = html
        return html


def draw(template: str, macro: str, *args) -> Markup:
    """A macro drawn now (not kept): no template context to build, no context processors."""
    return Markup(getattr(current_app.jinja_env.get_template(template).module, macro)(*args))


ROWS = Kept("queue/_row.html", "row")
FILTERS = Kept("queue/_filters.html", "filters")
