"""Rules of law a document's context must meet before a number is spent.

Periods follow the legal calendar: 行政处罚法 第八十五条 counts 五日 and 七日 in working
days, and every period rolls past 法定休假日 (`casework.legal_calendar`). Checks that need
a holiday table take one (`HolidayTable`); without one (a render in a worker process,
after the check at issue) only what holds whatever the calendar is checked.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from casework.clock import SHANGHAI
import casework.documents.kinds as kinds
from casework.documents.contexts.schemas import (
    EvidenceRequest,
    Envelope,
    HearingNotice,
    KindContext,
    PaymentReminder,
    PenaltyDecision,
    PenaltyNotice,
    ServiceReceipt,
)
from casework.errors import InvalidInput
from casework.legal_calendar import PARTY, HolidayTable, add_period

SURCHARGE_DAILY = Decimal("0.03")  # APL art. 72(1)
PAYMENT_PERIOD = "15d"  # APL art. 67(3): pay within 15 days of receiving the decision
HEARING_REQUEST_PERIOD = "5wd"  # APL art. 64(1) 五日, working days under art. 85
HEARING_NOTICE_PERIOD = "7wd"  # APL art. 64(2) 七日前, working days under art. 85


def check_rules(kind: str, ctx: KindContext) -> None:
    """Rules on the context alone."""
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
    if isinstance(ctx, PaymentReminder) and not (
            ctx.decision_date <= ctx.served_on <= ctx.surcharge_as_of):
        raise InvalidInput("日期顺序错误：应为决定日期≤送达日期≤加处罚款计算日 / "
                           f"{kind}: need decision_date <= served_on <= surcharge_as_of")


def _ends(start: date, period: str, table: HolidayTable | None) -> date:
    """The period's last day under `table`, else its calendar-day floor (never later)."""
    if table is not None:
        return add_period(start, period, table, PARTY).day
    amount = int(period.rstrip("wd"))
    return start + timedelta(days=amount)


def payment_due(served_on: date, table: HolidayTable | None = None) -> date:
    """The last day to pay a fine served on `served_on` (15 days, rolled past holidays)."""
    return _ends(served_on, PAYMENT_PERIOD, table)


def max_surcharge(fine: Decimal, served_on: date, as_of: date,
                  table: HolidayTable | None = None) -> Decimal:
    """The most the 3 %-a-day surcharge can be on `as_of` (APL art. 67, 72; ACL art. 45).

    The fine is due by the end of the 15-day period after service (rolled past rest
    days); each day after that adds 3 % of the fine, never more than the fine.
    """
    days = (as_of - payment_due(served_on, table)).days
    return min(fine, (fine * SURCHARGE_DAILY * max(days, 0)).quantize(Decimal("0.01")))


def check_with_envelope(kind: str, ctx: KindContext, env: Envelope,
                        table: HolidayTable | None = None) -> None:
    """Rules that need the issue date, counted under the legal calendar when `table` is given."""
    issued = env.issued_on
    if isinstance(ctx, HearingNotice):
        if ctx.hearing_at.astimezone(SHANGHAI).date() < _ends(issued, HEARING_NOTICE_PERIOD, table):
            raise InvalidInput(
                "听证通知应当在举行听证的七日（工作日）前送达（《行政处罚法》第六十四条第二项、"
                f"第八十五条） / {kind}.hearing_at must be at least 7 working days after the "
                "issue date")
    if isinstance(ctx, PenaltyNotice):
        if ctx.statement_deadline < issued:
            raise InvalidInput(f"陈述、申辩期限早于告知日期 / {kind}.statement_deadline is before "
                               "the issue date")
        hearing = ctx.hearing_request_deadline
        if hearing is not None and hearing < _ends(issued, HEARING_REQUEST_PERIOD, table):
            raise InvalidInput(
                "当事人要求听证的，可以在告知后五日内提出（《行政处罚法》第六十四条第一项），"
                "五日为工作日（第八十五条），听证申请期限不得短于五个工作日 / "
                f"{kind}.hearing_request_deadline must be at least 5 working days after the "
                "issue date")
    if isinstance(ctx, PaymentReminder):
        _check_reminder(kind, ctx, issued, table)


def _check_reminder(kind: str, ctx: PaymentReminder, issued: date,
                    table: HolidayTable | None) -> None:
    if issued <= payment_due(ctx.served_on, table):
        raise InvalidInput(
            "决定书送达后十五日的缴纳期限尚未届满，不能催告（《行政强制法》第三十五条） / "
            f"{kind}: the 15-day payment period after service has not ended")
    if ctx.surcharge_as_of > issued or ctx.deadline <= issued:
        raise InvalidInput(f"加处罚款计算日不得晚于、履行期限应当晚于催告日期 / {kind}: "
                           "surcharge_as_of must not be after, deadline must be after the "
                           "issue date")
    most = max_surcharge(ctx.fine_amount, ctx.served_on, ctx.surcharge_as_of, table)
    if ctx.surcharge_amount > most:
        raise InvalidInput(
            f"加处罚款{ctx.surcharge_amount}元超过截至{ctx.surcharge_as_of}依法可加处的{most}元"
            "（自送达之日起十五日后每日百分之三，不超过罚款数额，《行政处罚法》第六十七条、"
            f"第七十二条） / {kind}.surcharge_amount exceeds 3 % a day after the 15-day "
            f"payment period ({most})")
