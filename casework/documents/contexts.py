"""Typed contexts: what each kind of document needs, checked before a number is spent.

`parse(kind, data)` turns the caller's JSON-like dict into the kind's dataclass and
raises InvalidInput naming the first missing or malformed field (e.g.
`penalty_decision.review.court`). Dates are ISO strings or date objects; amounts are
integers or decimal strings (never floats); local times are ISO strings read as
Asia/Shanghai.
"""
from __future__ import annotations

import dataclasses
import types
import typing
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Union

from casework.clock import SHANGHAI
import casework.documents.kinds as kinds
from casework.documents.formatting import to_decimal
from casework.errors import InvalidInput


@dataclass(frozen=True)
class Provision:
    """An article and its quoted clause: 《太原市…办法》 第十六条 “…”."""

    instrument: str
    article: str
    text: str


@dataclass(frozen=True)
class Party:
    """Who the document is addressed to (from casework.models.Unit)."""

    name: str
    credit_code: str
    address: str
    legal_representative: str | None = None
    party_type: str = "business"  # business | other | person


@dataclass(frozen=True)
class Review:
    """Where the party may seek review: reconsideration (60 days), lawsuit (6 months)."""

    reconsideration_organ: str
    court: str


@dataclass(frozen=True)
class SystemInfo:
    """The video system a filing or acceptance concerns."""

    site: str
    purpose: str
    camera_count: int


@dataclass(frozen=True)
class EvidenceItem:
    location: str
    start: datetime
    end: datetime
    description: str


@dataclass(frozen=True)
class Officer:
    name: str
    badge: str


@dataclass(frozen=True)
class AccessEntry:
    at: datetime
    requester: str
    officers: str
    purpose: str
    scope: str
    approval: str


@dataclass(frozen=True)
class Envelope:
    """Filled by `issue` from the database: organ, number, date, party, correction link."""

    organ: str
    number: str
    issued_on: date
    party: Party
    supersedes_number: str | None = None


@dataclass(frozen=True, kw_only=True)
class KindContext:
    contact: str | None = None  # 联系人及电话, printed above the seal when given


@dataclass(frozen=True, kw_only=True)
class RectificationOrder(KindContext):
    facts: str
    violated: list[Provision]
    applied: list[Provision]
    requirements: str
    deadline: date
    consequence: str
    review: Review | None = None


@dataclass(frozen=True, kw_only=True)
class WarningDecision(KindContext):
    facts: str
    evidence: list[str]
    violated: list[Provision]
    applied: list[Provision]
    statement: str  # 陈述、申辩情况及采纳情况
    review: Review
    correction: str | None = None
    prior_notice_number: str | None = None


@dataclass(frozen=True, kw_only=True)
class PenaltyNotice(KindContext):
    facts: str
    evidence: list[str]
    violated: list[Provision]
    applied: list[Provision]
    proposed_penalty: str  # e.g. 罚款 / 警告
    statement_deadline: date
    fine_amount: Decimal | None = None
    hearing_request_deadline: date | None = None  # given when APL art. 63 applies


@dataclass(frozen=True, kw_only=True)
class HearingNotice(KindContext):
    penalty_notice_number: str
    matter: str
    hearing_at: datetime
    place: str
    host: str
    public: bool = True


@dataclass(frozen=True, kw_only=True)
class PenaltyDecision(KindContext):
    facts: str
    evidence: list[str]
    violated: list[Provision]
    applied: list[Provision]
    statement: str
    fine_amount: Decimal
    payment_place: str  # 指定银行或电子支付系统 (APL art. 67)
    review: Review
    penalty_kind: str = "罚款"
    correction: str | None = None
    prior_notice_number: str | None = None
    hearing: str | None = None  # 听证情况


@dataclass(frozen=True, kw_only=True)
class PaymentReminder(KindContext):
    decision_number: str
    decision_date: date
    served_on: date
    fine_amount: Decimal
    surcharge_amount: Decimal
    surcharge_as_of: date
    deadline: date
    payment_place: str


@dataclass(frozen=True, kw_only=True)
class FilingReceipt(KindContext):
    system: SystemInfo
    submitted_on: date
    basis: list[Provision]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class FilingReturned(KindContext):
    system: SystemInfo
    submitted_on: date
    missing: list[str]
    basis: list[Provision]
    deadline: date
    consequence: str


@dataclass(frozen=True, kw_only=True)
class AcceptanceFailed(KindContext):
    system: SystemInfo
    inspected_on: date
    findings: list[str]
    basis: list[Provision]
    requirements: str
    deadline: date
    consequence: str
    review: Review | None = None


@dataclass(frozen=True, kw_only=True)
class EvidenceRequest(KindContext):
    purpose: str
    items: list[EvidenceItem]
    basis: list[Provision]
    deadline: date
    officers: list[Officer]
    consequence: str


@dataclass(frozen=True, kw_only=True)
class AccessRegisterExtract(KindContext):
    system: SystemInfo
    period_from: date
    period_to: date
    entries: list[AccessEntry]
    basis: list[Provision]


@dataclass(frozen=True, kw_only=True)
class ServiceReceipt(KindContext):
    served_number: str
    served_title: str
    recipient: str
    method: str  # a key of kinds.SERVICE_METHODS
    place: str
    servers: list[str]


CONTEXTS: dict[str, type[KindContext]] = {
    "rectification_order": RectificationOrder,
    "warning_decision": WarningDecision,
    "penalty_notice": PenaltyNotice,
    "hearing_notice": HearingNotice,
    "penalty_decision": PenaltyDecision,
    "payment_reminder": PaymentReminder,
    "filing_receipt": FilingReceipt,
    "filing_returned": FilingReturned,
    "acceptance_failed": AcceptanceFailed,
    "evidence_request": EvidenceRequest,
    "access_register_extract": AccessRegisterExtract,
    "service_receipt": ServiceReceipt,
}
assert set(CONTEXTS) == set(kinds.KINDS)

# Lists that must not be empty, and other rules of law checked on the whole context.
NON_EMPTY = {"violated", "applied", "evidence", "basis", "missing", "findings", "items",
             "entries", "servers"}

# Hostile or accidental input: a document is evidence, so text must print as it reads.
MAX_TEXT = 5000  # characters in one field (a long statement of facts is ~1,500)
MAX_ITEMS = 300  # entries in one list (an access-register extract of a busy month)
ALLOWED_CONTROLS = {"\n", "\r", "\t"}  # line breaks from web forms are kept
# Cc control characters, Cf format characters (bidi overrides such as U+202E, zero-width
# joiners, soft hyphens) can make a name read differently from what is stored; Cs/Co
# (surrogates, private use) print as empty boxes.
REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co"}
SURCHARGE_DAILY = Decimal("0.03")  # APL art. 72(1)
PAYMENT_DAYS = 15  # APL art. 67(3): pay within 15 days of receiving the decision
HEARING_REQUEST_DAYS = 5  # APL art. 64(1): request within 5 (working) days of the notice


def parse(kind: str, data: dict[str, Any]) -> KindContext:
    """Check and convert the caller's context for `kind`; InvalidInput names the field."""
    cls = CONTEXTS.get(kind)
    if cls is None:
        raise InvalidInput(f"未知文书种类 / unknown document kind: {kind!r}")
    ctx = _convert(cls, data, kind)
    _check_rules(kind, ctx)
    return ctx


def parse_envelope(data: dict[str, Any]) -> Envelope:
    return _convert(Envelope, data, "envelope")


def check_with_envelope(kind: str, ctx: KindContext, env: Envelope) -> None:
    """Rules that need the issue date (APL art. 64(2): hearing notified 7 days before)."""
    if isinstance(ctx, HearingNotice):
        if (ctx.hearing_at.astimezone(SHANGHAI).date() - env.issued_on).days < 7:
            raise InvalidInput(
                "听证通知应当在举行听证的七日前送达（《行政处罚法》第六十四条第二项）"
                f" / {kind}.hearing_at must be at least 7 days after the issue date")
    if isinstance(ctx, PenaltyNotice):
        if ctx.statement_deadline < env.issued_on:
            raise InvalidInput(f"陈述、申辩期限早于告知日期 / {kind}.statement_deadline is before "
                               "the issue date")
        hearing = ctx.hearing_request_deadline
        if hearing is not None and (hearing - env.issued_on).days < HEARING_REQUEST_DAYS:
            raise InvalidInput(
                "当事人要求听证的，可以在告知后五日内提出（《行政处罚法》第六十四条第一项），"
                f"听证申请期限不得短于五日 / {kind}.hearing_request_deadline must be at least "
                "5 days after the issue date")
    if isinstance(ctx, PaymentReminder):
        if (env.issued_on - ctx.served_on).days <= PAYMENT_DAYS:
            raise InvalidInput(
                "决定书送达后十五日的缴纳期限尚未届满，不能催告（《行政强制法》第三十五条） / "
                f"{kind}: the 15-day payment period after service has not ended")
        if ctx.surcharge_as_of > env.issued_on or ctx.deadline <= env.issued_on:
            raise InvalidInput(f"加处罚款计算日不得晚于、履行期限应当晚于催告日期 / {kind}: "
                               "surcharge_as_of must not be after, deadline must be after the "
                               "issue date")


def _check_rules(kind: str, ctx: KindContext) -> None:
    if isinstance(ctx, PaymentReminder) and ctx.surcharge_amount > ctx.fine_amount:
        raise InvalidInput("加处罚款的数额不得超出罚款的数额（《行政处罚法》第七十二条）"
                           f" / {kind}.surcharge_amount exceeds fine_amount")
    if isinstance(ctx, EvidenceRequest) and len(ctx.officers) < 2:
        raise InvalidInput(f"调取证据应当由两名以上人民警察进行 / {kind}.officers needs at least 2")
    if isinstance(ctx, ServiceReceipt) and ctx.method not in kinds.SERVICE_METHODS:
        raise InvalidInput(f"未知送达方式 / {kind}.method must be one of "
                           f"{', '.join(kinds.SERVICE_METHODS)}")
    if isinstance(ctx, PenaltyDecision) and ctx.fine_amount <= 0:
        raise InvalidInput(f"罚款数额必须大于零 / {kind}.fine_amount must be positive")
    if isinstance(ctx, PaymentReminder):
        _check_reminder(kind, ctx)


def max_surcharge(fine: Decimal, served_on: date, as_of: date) -> Decimal:
    """The most the 3 %-a-day surcharge can be on `as_of` (APL art. 67, 72; ACL art. 45).

    The fine is due within 15 days of service; each day after that adds 3 % of the fine,
    never more than the fine. A holiday at the end of the period only shortens this.
    """
    days = (as_of - served_on).days - PAYMENT_DAYS
    return min(fine, (fine * SURCHARGE_DAILY * max(days, 0)).quantize(Decimal("0.01")))


def _check_reminder(kind: str, ctx: PaymentReminder) -> None:
    if not ctx.decision_date <= ctx.served_on <= ctx.surcharge_as_of:
        raise InvalidInput("日期顺序错误：应为决定日期≤送达日期≤加处罚款计算日 / "
                           f"{kind}: need decision_date <= served_on <= surcharge_as_of")
    most = max_surcharge(ctx.fine_amount, ctx.served_on, ctx.surcharge_as_of)
    if ctx.surcharge_amount > most:
        raise InvalidInput(
            f"加处罚款{ctx.surcharge_amount}元超过截至{ctx.surcharge_as_of}依法可加处的{most}元"
            "（自送达之日起十五日后每日百分之三，不超过罚款数额，《行政处罚法》第六十七条、"
            f"第七十二条） / {kind}.surcharge_amount exceeds 3 % a day after the 15-day "
            f"payment period ({most})")


def to_json(value: Any) -> Any:
    """A context (dataclass tree) as plain JSON: ISO dates, decimal strings."""
    if dataclasses.is_dataclass(value):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _convert(tp: Any, value: Any, path: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return _convert(args[0], value, path)
    if value is None:
        raise InvalidInput(f"文书内容缺少字段 / missing field: {path}")
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise InvalidInput(f"字段应为对象 / {path} must be an object")
        hints = typing.get_type_hints(tp)
        known = {f.name for f in dataclasses.fields(tp)}
        unknown = sorted(set(value) - known)
        if unknown:
            raise InvalidInput(f"未知字段 / unknown field: {path}.{unknown[0]}")
        kwargs = {}
        for f in dataclasses.fields(tp):
            sub = f"{path}.{f.name}"
            has_default = (f.default is not dataclasses.MISSING
                           or f.default_factory is not dataclasses.MISSING)
            if f.name not in value or (value[f.name] in (None, "") and not has_default):
                if has_default:
                    continue
                raise InvalidInput(f"文书内容缺少字段 / missing field: {sub}")
            kwargs[f.name] = _convert(hints[f.name], value[f.name], sub)
            if f.name in NON_EMPTY and not kwargs[f.name]:
                raise InvalidInput(f"字段不能为空 / field must not be empty: {sub}")
        return tp(**kwargs)
    if origin is list:
        if not isinstance(value, (list, tuple)):
            raise InvalidInput(f"字段应为列表 / {path} must be a list")
        if len(value) > MAX_ITEMS:
            raise InvalidInput(f"列表过长（最多{MAX_ITEMS}项） / {path} has more than "
                               f"{MAX_ITEMS} items")
        (item,) = typing.get_args(tp)
        return [_convert(item, v, f"{path}[{i}]") for i, v in enumerate(value)]
    return _scalar(tp, value, path)


def _clean_text(value: str) -> str:
    """The text as given, or ValueError for what would not print as it reads."""
    if len(value) > MAX_TEXT:
        raise ValueError(f"text longer than {MAX_TEXT} characters ({len(value)})")
    for i, ch in enumerate(value):
        if ch not in ALLOWED_CONTROLS and unicodedata.category(ch) in REFUSED_CATEGORIES:
            raise ValueError(f"character U+{ord(ch):04X} at position {i} is not allowed "
                             "(control, format or private-use character)")
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _scalar(tp: Any, value: Any, path: str) -> Any:
    try:
        if tp is str:
            if not isinstance(value, str) or not value.strip():
                raise ValueError("expected non-empty text")
            return _clean_text(value)
        if tp is bool:
            if not isinstance(value, bool):
                raise ValueError("expected true or false")
            return value
        if tp is int:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError("expected a whole number")
            return value
        if tp is Decimal:
            return to_decimal(value, path)
        if tp is datetime:
            moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
            return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)
        if tp is date:
            if isinstance(value, datetime):
                raise ValueError("expected a date, not a time")
            return value if isinstance(value, date) else date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"字段格式错误 / invalid field {path}: {exc}") from None
    raise TypeError(f"unsupported field type {tp!r} at {path}")
