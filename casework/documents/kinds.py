"""The kinds of document: number code, titles, and the ways a document is served."""
from __future__ import annotations

from dataclasses import dataclass

from casework.errors import InvalidInput


@dataclass(frozen=True)
class Kind:
    name: str
    code: str  # the short code in the number: 太公(视)限改字〔2026〕第0001号
    title_zh: str
    title_en: str
    decision: bool = False  # carries review rights (reconsideration / lawsuit)

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("rectification_order", "限改", "责令限期改正通知书", "Order to Correct within a Time Limit"),
    Kind("warning_decision", "警告", "警告决定书", "Warning Decision", decision=True),
    Kind("penalty_notice", "罚告", "行政处罚告知书", "Notice of Intended Administrative Penalty"),
    Kind("hearing_notice", "听通", "听证通知书", "Hearing Notice"),
    Kind("hearing_record", "听录", "听证笔录", "Hearing Record"),
    Kind("penalty_decision", "罚决", "行政处罚决定书", "Administrative Penalty Decision",
         decision=True),
    Kind("payment_reminder", "催告", "催告书", "Payment Reminder"),
    Kind("filing_receipt", "备回", "备案回执", "Filing Receipt"),
    Kind("filing_returned", "补正", "退回补正通知书", "Filing Returned for Correction"),
    Kind("acceptance_failed", "验否", "验收不合格通知书", "Notice of Failed Acceptance"),
    Kind("evidence_request", "调证", "调取证据通知书", "Notice to Produce Evidence"),
    Kind("access_register_extract", "登记", "查阅调取登记摘录", "Extract of the Access Register"),
    Kind("service_receipt", "送回", "送达回执", "Proof of Service"),
)}

# 民事诉讼法 service methods (APL art. 61); electronic needs the party's signed consent.
SERVICE_METHODS: dict[str, tuple[str, str]] = {
    "direct": ("直接送达", "personal delivery"),
    "left": ("留置送达", "left at the address"),
    "post": ("邮寄送达", "by post"),
    "electronic": ("电子送达", "electronic delivery (with consent)"),
    "entrusted": ("委托送达", "entrusted delivery"),
    "public_notice": ("公告送达", "public notice"),
}


def get(kind: str) -> Kind:
    """The Kind named `kind`, or InvalidInput."""
    try:
        return KINDS[kind]
    except KeyError:
        raise InvalidInput(f"未知文书种类 / unknown document kind: {kind!r}") from None
