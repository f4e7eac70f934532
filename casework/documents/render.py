"""Pure rendering: a kind and its full context in, PDF bytes out (Jinja HTML -> WeasyPrint)."""
from __future__ import annotations

import hashlib
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from casework.clock import SHANGHAI
import casework.documents.contexts as contexts
import casework.documents.kinds as kinds
from casework.documents.formatting import (
    capital_yuan,
    cn_date,
    cn_datetime,
    cn_small_number,
    en_date,
    yuan,
)
from casework.documents.labels import LABELS
from casework.errors import InvalidInput

if TYPE_CHECKING:
    from datetime import date, datetime

TEMPLATES = Path(__file__).with_name("templates")
LANGS = ("zh", "en")
SURCHARGE_RATE = Decimal("0.03")  # APL art. 72(1): 3% of the fine per day, capped at the fine
TEMPLATE_SERIES = "1"


def _template_version() -> str:
    """Series plus a digest of templates and wording: any change shows in new documents."""
    digest = hashlib.sha256()
    for path in sorted(TEMPLATES.iterdir()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(Path(__file__).with_name("labels.py").read_bytes())
    return f"{TEMPLATE_SERIES}+{digest.hexdigest()[:10]}"


TEMPLATE_VERSION = _template_version()


@lru_cache(maxsize=1)
def _jinja() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@lru_cache(maxsize=1)
def _weasy():
    """WeasyPrint's font configuration and parsed page CSS, built once per process."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def ordinal(n: int) -> str:
    """（一）, （二）, ... （十二）: how Chinese official documents number items."""
    return f"（{cn_small_number(n)}）"


def _helpers(lang: str) -> dict[str, Any]:
    words = LABELS[lang]
    zh = lang == "zh"

    def t(key: str, **values: Any) -> Markup:
        return Markup(words[key]).format(**values)

    def d(day: date) -> Markup:
        return Markup(escape(cn_date(day) if zh else en_date(day)))

    def dt(moment: datetime) -> Markup:
        local = moment.astimezone(SHANGHAI)
        text = cn_datetime(local) if zh else f"{en_date(local)}, {local:%H:%M}"
        return Markup(escape(text))

    def hm(moment: datetime) -> str:
        return f"{moment.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"

    def cite(provisions: list[contexts.Provision]) -> Markup:
        sep = "、" if zh else "; "
        parts = [
            Markup('<span class="cite">{}{}<span class="quote">“{}”</span></span>').format(
                p.instrument, p.article if zh else f" {p.article} ", p.text)
            for p in provisions
        ]
        return Markup(sep).join(parts)

    def money(amount: Decimal) -> Markup:
        if zh:
            return Markup("人民币{}（大写：{}）").format(yuan(amount), capital_yuan(amount))
        return Markup("RMB {} ({})").format(yuan(amount)[:-1], capital_yuan(amount))

    def numbered(items: list[Any]) -> Markup:
        # Numbers as text, not list markers: they stay in place when text is extracted.
        return Markup("").join(
            Markup('<p class="item">{}{}</p>').format(ordinal(n) if zh else f"{n}. ", item)
            for n, item in enumerate(items, start=1))

    def officers(people: list[contexts.Officer]) -> Markup:
        word = "（警号{}）" if zh else " (badge {})"
        sep = "、" if zh else ", "
        return Markup(sep).join(Markup("{}" + word).format(o.name, o.badge) for o in people)

    def method(key: str) -> str:
        zh_name, en_name = kinds.SERVICE_METHODS[key]
        return zh_name if zh else en_name

    return {"t": t, "d": d, "dt": dt, "hm": hm, "cite": cite, "money": money, "yuan": yuan,
            "numbered": numbered, "officers": officers, "method": method}


def render_html(kind: str, context: dict[str, Any], lang: str = "zh") -> str:
    """The HTML of a document: context = envelope fields + the kind's own fields."""
    spec = kinds.get(kind)
    if lang not in LANGS:
        raise InvalidInput(f"不支持的语言 / unsupported lang {lang!r}: use one of {LANGS}")
    own = {k: v for k, v in context.items() if k not in ENVELOPE_FIELDS}
    env = contexts.parse_envelope({k: v for k, v in context.items() if k in ENVELOPE_FIELDS})
    doc = contexts.parse(kind, own)
    contexts.check_with_envelope(kind, doc, env)
    review = getattr(doc, "review", None)
    values = dict(
        _helpers(lang), kind=kind, lang=lang, env=env, doc=doc, title=spec.title(lang),
        review=review, decision=spec.decision,
        review_noun="decision_noun" if spec.decision else "notice_noun",
        surcharge_rate=SURCHARGE_RATE, template_version=TEMPLATE_VERSION,
        organ_class=_organ_class(env.organ),
    )
    return _jinja().get_template(f"{kind}.html").render(values)


def _organ_class(organ: str) -> str:
    """30 pt fits 10 characters across the type area, 24 pt 18, 18 pt 24; longer wraps."""
    return "" if len(organ) <= 10 else (" long" if len(organ) <= 18 else " longer")


ENVELOPE_FIELDS = frozenset(f.name for f in contexts.dataclasses.fields(contexts.Envelope))


def render(kind: str, context: dict[str, Any], lang: str = "zh") -> bytes:
    """Render one document to PDF bytes (fonts embedded and subset)."""
    return pdf_from_html(render_html(kind, context, lang))


def pdf_from_html(html: str) -> bytes:
    """WeasyPrint with a fetcher that loads nothing but files bundled under templates/.

    Context values are escaped by Jinja, so markup in a party name prints as text; this
    is the second wall: should markup ever get through, `<img src=file:///etc/passwd>`,
    `url(http://...)` or `@import` fetch nothing (no local files, no network).
    """
    from weasyprint import HTML

    return HTML(string=html, base_url=str(TEMPLATES),
                url_fetcher=_bundled_only_fetcher()).write_pdf(font_config=_weasy())


def _bundled_only_fetcher():
    from urllib.parse import unquote, urlsplit

    from weasyprint.urls import URLFetcher

    root = TEMPLATES.resolve()

    class BundledOnly(URLFetcher):
        """Refuses every URL except file: URLs of files inside the templates folder."""

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "file" and parts.netloc in ("", "localhost"):
                path = Path(unquote(parts.path)).resolve()
                if root in path.parents and path.is_file():
                    return super().fetch(url, headers)
            raise ValueError(f"documents load no external resources: {url[:80]!r}")

    return BundledOnly(allowed_protocols=("file",), allow_redirects=False)


def warm_up() -> None:
    """Load WeasyPrint, fontconfig and the CJK faces (for pool workers and benchmarks)."""
    pdf_from_html('<html lang="zh-CN"><body style="font-family:\'Noto Serif CJK SC\'">'
                  "<b>预热</b>字体 warm</body></html>")
