"""The public 行政执法公示 page: no sign-in, searchable, paged, exportable."""
from __future__ import annotations

import json
from datetime import date

from casework import clock
from casework.models import Jurisdiction, Publication


def _publish(container, n: int) -> None:
    with container.uow() as uow:
        jurisdiction = uow.session.query(Jurisdiction).first()
        for i in range(n):
            uow.session.add(Publication(
                case_ref=f"GS-{i:04d}", jurisdiction_id=jurisdiction.id,
                decision_number=f"公罚字〔2026〕第{i:04d}号", organ=jurisdiction.organ_name,
                party="王*" if i % 2 else f"某商贸有限公司{i}", act="未按规定设置明显标志",
                basis="《办法》第二十六条", penalty="罚款800元", decided_on=date(2026, 3, 2),
                published_on=date(2026, 3, 2), publish_by=date(2026, 3, 11), status="published",
                withdrawal_reason="", published_at=clock.now()))
        uow.commit()


def test_public_page_search_paging_and_export(app, web_world):
    container, _facts = web_world
    _publish(container, 25)
    client = app.test_client()
    page = client.get("/gongshi")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "公罚字〔2026〕第0024号" in html and "1 / 2" in html
    second = client.get("/gongshi?page=2").get_data(as_text=True)
    assert "第0000号" in second and "第0024号" not in second
    found = client.get("/gongshi?q=商贸有限公司4").get_data(as_text=True)
    assert "某商贸有限公司4" in found and "某商贸有限公司6" not in found
    rows = json.loads(client.get("/gongshi/export.json").get_data(as_text=True))
    assert len(rows) >= 25 and {"organ", "party", "act", "basis", "penalty"} <= set(rows[0])
    csv_text = client.get("/gongshi/export.csv").get_data(as_text=True)
    assert csv_text.startswith("decision_number,organ,party") and "王*" in csv_text
    assert client.get("/gongshi/export.xml").status_code == 422
    assert client.get("/gongshi?page=x").status_code == 422
