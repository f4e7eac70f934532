"""The attachments a filing must carry are quoted from their texts, and mark the form."""
from __future__ import annotations

import re
from datetime import date

from casework import rulebooks
from casework.services.cases import filing_materials


def test_every_cited_material_is_quoted_from_its_text():
    for code, kinds in filing_materials.table().items():
        text = re.sub(r"\s+", "", rulebooks.source_text(rulebooks.load_rulebook(code)))
        for kind, entry in kinds.items():
            assert kind in filing_materials.KINDS
            assert re.sub(r"\s+", "", entry["quote"]) in text, (code, kind)
            props = filing_materials.form(kind, None)["schema"]["properties"]["attachments"]["properties"]
            assert set(entry["attachments"]) <= set(props), (code, kind)


def test_the_local_list_binds_only_under_the_local_window():
    on = date(2026, 3, 2)
    assert filing_materials.required("changzhou", "after_acceptance", on, False)["article"] == "第十七条"
    # 常州 第十七条 covers systems not funded by government: the national rule binds the others
    assert filing_materials.required("changzhou", "after_acceptance", on, True) is None
    assert filing_materials.required("tengchong", "camera_change", date(2021, 3, 1), False)["attachments"] == ["point_map"]
    form = filing_materials.form("after_acceptance", filing_materials.required("taiyuan", "after_acceptance", on, False))
    assert "attachments" in form["schema"]["required"]
    assert "contract" in form["schema"]["properties"]["attachments"]["required"]
