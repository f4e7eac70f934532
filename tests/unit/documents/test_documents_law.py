"""Rules of law the contexts enforce beyond presence: dates and amounts that must agree."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from casework.documents.contexts import max_surcharge
from casework.documents.render import render_html
from casework.documents.samples import full_context
from casework.errors import InvalidInput


def test_surcharge_is_three_percent_a_day_after_the_fifteen_days():
    """Served 21 Jan: due by 5 Feb; 6 Feb .. 1 Mar is 24 days x 24 yuan = 576 yuan."""
    assert max_surcharge(Decimal(800), date(2026, 1, 21), date(2026, 3, 1)) == Decimal(576)
    assert max_surcharge(Decimal(800), date(2026, 1, 21), date(2026, 2, 5)) == 0
    assert max_surcharge(Decimal(800), date(2026, 1, 21), date(2026, 6, 1)) == 800


def test_a_reminder_cannot_claim_more_surcharge_than_has_accrued():
    ctx = full_context("payment_reminder")
    ctx["surcharge_amount"] = "800"  # the cap, but only 24 days have run: 576
    with pytest.raises(InvalidInput, match="576"):
        render_html("payment_reminder", ctx)
    ctx["surcharge_amount"] = "576"
    assert "576元" in render_html("payment_reminder", ctx)


def test_a_reminder_comes_after_the_payment_period_and_dates_run_in_order():
    ctx = full_context("payment_reminder")
    ctx.update(served_on="2026-02-20", surcharge_as_of="2026-03-01", surcharge_amount="0")
    with pytest.raises(InvalidInput, match="15-day"):
        render_html("payment_reminder", ctx)
    ctx = full_context("payment_reminder")
    ctx["served_on"] = "2026-01-10"  # before the decision was made (20 Jan)
    with pytest.raises(InvalidInput, match="decision_date <= served_on"):
        render_html("payment_reminder", ctx)
    ctx = full_context("payment_reminder")
    ctx["deadline"] = "2026-03-02"  # the issue day itself leaves no time to pay
    with pytest.raises(InvalidInput, match="deadline must be after"):
        render_html("payment_reminder", ctx)


def test_prior_notice_gives_at_least_five_days_to_ask_for_a_hearing():
    ctx = full_context("penalty_notice")
    ctx["hearing_request_deadline"] = "2026-03-04"  # APL art. 64(1): within 5 days of notice
    with pytest.raises(InvalidInput, match="5 working days"):
        render_html("penalty_notice", ctx)
    ctx = full_context("penalty_notice")
    ctx["statement_deadline"] = "2026-03-01"
    with pytest.raises(InvalidInput, match="statement_deadline"):
        render_html("penalty_notice", ctx)


def test_periods_follow_the_legal_calendar_when_a_table_is_given():
    """APL art. 85: 五日 are working days; the 15-day payment period rolls past holidays."""
    from casework.documents import contexts
    from casework.legal_calendar.package import package_table

    table = package_table()
    env = contexts.parse_envelope({**{k: v for k, v in full_context("penalty_notice").items()
                                      if k in contexts.Envelope.__dataclass_fields__},
                                   "issued_on": "2026-09-29"})
    ctx = full_context("penalty_notice")
    own = {k: v for k, v in ctx.items() if k not in contexts.Envelope.__dataclass_fields__}
    # 5 calendar days after 09-29 is 10-04, inside National Day: 5 working days end 10-12.
    notice = contexts.parse("penalty_notice", {**own, "statement_deadline": "2026-10-12",
                                               "hearing_request_deadline": "2026-10-04"})
    contexts.check_with_envelope("penalty_notice", notice, env)  # calendar days: passes
    with pytest.raises(InvalidInput, match="5 working days"):
        contexts.check_with_envelope("penalty_notice", notice, env, table)
    # Served 2026-09-16: 15 days end 10-01, a holiday, so payment is due 10-08.
    assert max_surcharge(Decimal(800), date(2026, 9, 16), date(2026, 10, 9), table) == 24
    assert max_surcharge(Decimal(800), date(2026, 9, 16), date(2026, 10, 9)) == 192
