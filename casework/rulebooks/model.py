"""Frozen value objects of a rulebook; every rule carries its source, article and quote."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Mapping

from casework.errors import InvalidInput, NotFound, RuleViolation

PERIOD_RE = re.compile(r"^(?:(\d+)([dm])|promptly)$")
NATIONAL = "national"


class RulebookExpired(RuleViolation):
    """The rulebook's validity ended; it cannot open new cases."""

    def __init__(self, code: str, valid_until: date, on: date) -> None:
        self.code, self.valid_until, self.on = code, valid_until, on
        super().__init__(
            f"规则库 {code} 已于 {valid_until.isoformat()} 失效，{on.isoformat()} 不能据此立新案"
            f" / rulebook {code} expired on {valid_until.isoformat()}: cannot open new cases"
            f" on {on.isoformat()}")


class RulebookNotYetValid(RuleViolation):
    """The date asked about is before the rulebook took force."""

    def __init__(self, code: str, valid_from: date, on: date) -> None:
        self.code, self.valid_from, self.on = code, valid_from, on
        super().__init__(
            f"规则库 {code} 自 {valid_from.isoformat()} 起施行，{on.isoformat()} 尚未生效"
            f" / rulebook {code} is in force from {valid_from.isoformat()}, not on {on.isoformat()}")


class RulebookSchemaError(InvalidInput):
    """A rulebook file breaks the schema; the message names the file and key path."""


class UnknownRulebook(NotFound):
    """No rulebook with that code."""


class NoApplicableRule(NotFound):
    """Neither the local text nor the national baseline sets this rule on that day."""


# Whose act a period is for (see casework.legal_calendar.provisional): every period a
# rulebook sets is given to the regulated unit.
OWED_BY_PARTY = "party"


@dataclass(frozen=True)
class RulebookPeriod:
    """A legal period: `30d`, `6m`, or `promptly` (及时, no fixed number)."""

    amount: int | None
    unit: str  # "d" | "m" | "promptly"

    @classmethod
    def parse(cls, text: str) -> RulebookPeriod:
        match = PERIOD_RE.match(text)
        if not match:
            raise InvalidInput(f"期限格式错误 / bad period {text!r} (expected like 30d, 6m, promptly)")
        if text == "promptly":
            return cls(None, "promptly")
        return cls(int(match.group(1)), match.group(2))

    @property
    def approx_days(self) -> float | None:
        """Length for comparing strictness only (a month counts 30.44 days)."""
        if self.amount is None:
            return None
        return self.amount * (30.44 if self.unit == "m" else 1)

    def __str__(self) -> str:
        return "promptly" if self.amount is None else f"{self.amount}{self.unit}"


@dataclass(frozen=True)
class Citation:
    """Where a rule comes from: rulebook code, article, exact quote."""

    source: str
    article: str
    quote: str


@dataclass(frozen=True)
class Instrument:
    title: str
    number: str
    valid_from: date
    valid_until: date | None
    source: str
    article: str
    quote: str
    date_quote: str | None = None
    title_en: str = ""  # English pages show it; documents cite the Chinese title
    title_en_official: bool = False  # False: our translation, shown as unofficial


@dataclass(frozen=True)
class RetentionRule:
    """Minimum days footage is kept; national: delete after N days once its purpose is met."""

    min_days: int
    max_after_purpose_days: int | None
    source: str
    article: str
    quote: str
    note: str = ""


@dataclass(frozen=True)
class FilingAttachments:
    """What a filing must attach, as the text lists it (codes of the vocabulary's
    `filing_attachments`; the information a text asks for is asked by every filing form)."""

    items: tuple[str, ...]
    source: str
    article: str
    quote: str


@dataclass(frozen=True)
class Rule:
    """A filing window: file within `period` counted from `runs_from`; `attachments` where
    the same text lists what the filing must carry."""

    kind: str
    period: str
    runs_from: str
    to: str
    source: str
    article: str
    quote: str
    applies_to: str = "all"
    runs_from_date: date | None = None  # set when runs_from == "instrument_in_force"
    note: str = ""
    attachments: FilingAttachments | None = None

    @property
    def parsed(self) -> RulebookPeriod:
        return RulebookPeriod.parse(self.period)

    @property
    def owed_by(self) -> str:
        """Filing is the unit's act: a party deadline (latest date while provisional)."""
        return OWED_BY_PARTY


@dataclass(frozen=True)
class AcceptanceStep:
    kind: str
    by: str
    applies_to: str  # all | government_funded | non_government_funded
    source: str
    article: str
    quote: str
    period: str | None = None

    @property
    def owed_by(self) -> str:
        """A trial run or test the unit carries out within `period`: a party deadline."""
        return OWED_BY_PARTY


@dataclass(frozen=True)
class AcceptanceRules:
    use_forbidden_until_accepted: bool
    steps: tuple[AcceptanceStep, ...]
    source: str
    article: str
    quote: str

    def steps_for(self, government_funded: bool) -> tuple[AcceptanceStep, ...]:
        """The steps a system (government-funded or not) goes through, in order."""
        skip = "non_government_funded" if government_funded else "government_funded"
        return tuple(s for s in self.steps if s.applies_to != skip)


@dataclass(frozen=True)
class AccessRequester:
    kind: str
    approval: str
    source: str
    article: str
    quote: str


@dataclass(frozen=True)
class AccessRequirement:
    kind: str
    source: str
    article: str
    quote: str


@dataclass(frozen=True)
class AccessRules:
    """Who may see footage and how; min_officers is cited by source/article/quote."""

    min_officers: int | None
    requesters: tuple[AccessRequester, ...]
    requirements: tuple[AccessRequirement, ...]
    source: str
    article: str
    quote: str


@dataclass(frozen=True)
class SiteItem:
    categories: tuple[str, ...]
    built_by: str  # unit | government
    source: str
    article: str
    quote: str


@dataclass(frozen=True)
class PrivacyItem:
    kinds: tuple[str, ...]
    source: str
    article: str
    quote: str


@dataclass(frozen=True)
class FineRange:
    """A fine band in yuan for some party types; min None means "up to max"."""

    party_types: tuple[str, ...]
    min: int | None
    max: int
    when: str  # with_order | immediate | not_corrected | serious | not_corrected_or_serious
    discretionary: bool  # 可并处
    source: str
    article: str
    quote: str
    note: str = ""


@dataclass(frozen=True)
class Correction:
    """The deadline a clerk sets in an order to correct: default and allowed bounds."""

    default: str
    min: str
    max: str
    text_silent: bool
    source: str  # "vocabulary" when the text names no period
    note: str = ""

    @property
    def owed_by(self) -> str:
        """Correcting is the unit's act: a party deadline (latest date while provisional)."""
        return OWED_BY_PARTY


@dataclass(frozen=True)
class ViolationRule:
    code: str
    label: str
    source: str
    article: str
    quote: str
    party_types: tuple[str, ...]
    order_to_correct: str  # by_deadline | correct | none
    warning_first: bool
    escalation: str  # none | warning | fine | warning_and_fine | refer
    fines: tuple[FineRange, ...]
    correction: Correction
    obligation: Citation | None = None
    penalty: Citation | None = None
    note: str = ""

    def fines_for(self, party_type: str) -> tuple[FineRange, ...]:
        """Fine bands that apply to `party_type` (business | other | person)."""
        return tuple(f for f in self.fines if party_type in f.party_types)


@dataclass(frozen=True)
class Rulebook:
    """One jurisdiction's rules as written (no merging)."""

    code: str
    name: str
    level: str  # national | local
    organ_name: str
    doc_prefix: str
    source_file: str
    instrument: Instrument
    retention: RetentionRule | None
    filing: Mapping[str, Rule]
    acceptance: AcceptanceRules | None
    access: AccessRules | None
    mandatory_sites: tuple[SiteItem, ...]
    privacy_places: tuple[PrivacyItem, ...]
    violations: Mapping[str, ViolationRule]
    sha256: str = field(default="", compare=False)

    @property
    def valid_from(self) -> date:
        return self.instrument.valid_from

    @property
    def valid_until(self) -> date | None:
        return self.instrument.valid_until

    def is_expired(self, on: date) -> bool:
        return self.valid_until is not None and on > self.valid_until


@dataclass(frozen=True)
class Decision:
    """How one merged topic was decided, with every text considered."""

    topic: str
    chosen: str  # source code of the rule that applies
    reason: str
    considered: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class EffectiveRules:
    """The local rulebook merged over the national baseline on one day."""

    code: str
    on: date
    rulebook: Rulebook
    national_applies: bool
    retention: RetentionRule | None
    filing: Mapping[str, Rule]
    acceptance: AcceptanceRules | None
    access: AccessRules | None
    mandatory_sites: tuple[SiteItem, ...]
    privacy_places: tuple[PrivacyItem, ...]
    violations: Mapping[str, ViolationRule]
    decisions: tuple[Decision, ...]


@dataclass(frozen=True)
class Answer:
    """A yes/no answer with the texts it rests on; truthy when `value`."""

    value: bool
    basis: tuple[Citation, ...]

    def __bool__(self) -> bool:
        return self.value


def frozen_map(data: dict) -> Mapping:
    return MappingProxyType(dict(data))
