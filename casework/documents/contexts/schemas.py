"""The typed contexts: what each kind of document needs (see `contexts.parse`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import casework.documents.kinds as kinds


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
    with_order: str | None = None  # a fine the text imposes together with the order (issue 14)


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
class HearingRecord(KindContext):
    """听证笔录: what 公安机关办理行政案件程序规定 第一百五十一条 lists (APL art. 64(8))."""

    penalty_notice_number: str
    hearing_notice_number: str
    matter: str  # 案由
    held_at: datetime
    place: str
    public: bool
    host: str
    recorder: str
    participants: list[str]
    investigator_statement: str  # facts, evidence, basis and proposed penalty as presented
    party_statement: str  # the applicant's statement and defence
    outcome: str  # the presiding officer's opinion
    debate: str | None = None  # cross-examination and argument
    final_statements: str | None = None
    party_signed: bool = True  # False: refused to sign, noted by the recorder (第一百五十二条)


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
    "hearing_record": HearingRecord,
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
