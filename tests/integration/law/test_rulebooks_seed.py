"""Seeding jurisdictions and rulebook versions: idempotent, versioned by content SHA-256."""
from __future__ import annotations

from sqlalchemy import func, select

from casework.models.registry import Jurisdiction, RulebookVersion
from casework.rulebooks import list_codes, load_rulebook
from casework.install.seed import REFERENCE_STEPS
from casework.services.rulebooks import current_version, seed_rulebooks


def test_seed_is_idempotent_and_registered(container):
    assert seed_rulebooks in REFERENCE_STEPS
    first = seed_rulebooks(container, progress=lambda _: None)
    second = seed_rulebooks(container, progress=lambda _: None)
    assert "6 new versions" in first and "0 new versions" in second
    with container.uow() as uow:
        rows = uow.session.execute(select(Jurisdiction).order_by(Jurisdiction.code)).scalars().all()
        assert [r.code for r in rows] == sorted(list_codes())
        taiyuan = next(r for r in rows if r.code == "taiyuan")
        assert (taiyuan.name, taiyuan.organ_name, taiyuan.doc_prefix) == (
            "太原市", "太原市公安局", "太公(视)")
        assert uow.session.scalar(select(func.count()).select_from(RulebookVersion)) == 6


def test_current_version_holds_the_content_and_dates(container, clock):
    seed_rulebooks(container, progress=lambda _: None)
    with container.uow() as uow:
        version = current_version(uow.session, "tengchong")
        book = load_rulebook("tengchong")
        assert version.sha256 == book.sha256
        assert (version.valid_from.isoformat(), version.valid_until.isoformat()) == (
            "2017-09-05", "2022-09-04")
        assert version.content["retention"]["min_days"] == 30
        assert version.loaded_at == clock.now()


def test_changed_organ_is_updated_not_duplicated(container):
    seed_rulebooks(container, progress=lambda _: None)
    with container.uow() as uow:
        row = uow.session.execute(select(Jurisdiction).where(Jurisdiction.code == "anyang")).scalar_one()
        row.organ_name = "旧名称"
        uow.commit()
    summary = seed_rulebooks(container, progress=lambda _: None)
    assert "(1 changed)" in summary
    with container.uow() as uow:
        row = uow.session.execute(select(Jurisdiction).where(Jurisdiction.code == "anyang")).scalar_one()
        assert row.organ_name == "安阳市公安局"
