"""`casework demo` seeds a returned filing (退回补正) the unit's portal shows, answers and files kept."""
from __future__ import annotations

from sqlalchemy import select

from casework.install.demo import DEMO_PASSWORD, seed_demo_data
from casework.install.seed import seed_reference_data
from casework.models import User
from casework.services.actor import Actor
from casework.services.cases import portal_case, portal_filings


def test_the_demo_has_a_returned_filing_in_a_units_portal(container, clock):
    seed_reference_data(container, progress=lambda _m: None)
    assert DEMO_PASSWORD in seed_demo_data(container, progress=lambda _m: None)
    with container.uow() as uow:
        user = uow.session.scalars(select(User).where(User.username == "unit6")).one()
    unit = Actor("unit6", frozenset({"unit"}), user.unit_id)
    [case] = portal_filings.overview(container.uow(), actor=unit)["cases"]
    assert case["waiting"] and case["kind"] == "after_acceptance"
    page = portal_case.case_page(container.uow(), actor=unit, ref=case["ref"])
    assert "盖章页" in page["filing"]["returned"]["reasons"] and page["filing"]["returned"]["document"]
    assert page["values"]["camera_count"] in (36, "36")
    kept = {k: v for k, v in page["values"].items() if k.startswith("attachments.") and v}
    assert len(kept) == 4  # 太原 第十六条第一款: design plan, contract, acceptance documents, equipment list
    with container.uow() as uow:
        token = kept["attachments.contract"][0]
        body = uow.files.get(f"attachments/{token[7:9]}/{token[7:]}")
    assert body.startswith(b"%PDF-1.4") and body.rstrip().endswith(b"%%EOF")
