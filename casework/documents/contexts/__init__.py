"""Typed contexts: what each kind of document needs, checked before a number is spent.

`parse(kind, data)` turns the caller's JSON-like dict into the kind's dataclass
(`contexts.schemas`) and raises InvalidInput naming the first missing or malformed field (e.g.
`penalty_decision.review.court`; conversion rules: `coercion`); `check_with_envelope`
adds the rules that need the issue date, counted under the legal calendar
(`legal_checks`).
"""
from __future__ import annotations

import dataclasses
from typing import Any

from casework.documents.contexts.coercion import convert, to_json
from casework.documents.contexts.legal_checks import check_rules, check_with_envelope, max_surcharge
from casework.documents.contexts.schemas import (
    CONTEXTS,
    AccessEntry,
    Envelope,
    EvidenceItem,
    KindContext,
    Officer,
    Party,
    Provision,
    Review,
    SystemInfo,
)
from casework.errors import InvalidInput

__all__ = [
    "CONTEXTS", "AccessEntry", "Envelope", "EvidenceItem", "KindContext", "Officer", "Party",
    "Provision", "Review", "SystemInfo", "check_with_envelope", "dataclasses",
    "max_surcharge", "parse", "parse_envelope", "to_json",
]


def parse(kind: str, data: dict[str, Any]) -> KindContext:
    """Check and convert the caller's context for `kind`; InvalidInput names the field."""
    cls = CONTEXTS.get(kind)
    if cls is None:
        raise InvalidInput(f"未知文书种类 / unknown document kind: {kind!r}")
    ctx = convert(cls, data, kind)
    check_rules(kind, ctx)
    return ctx


def parse_envelope(data: dict[str, Any]) -> Envelope:
    return convert(Envelope, data, "envelope")
