"""Issue 16: two managers on the same draft. Of two saves of one revision exactly one wins and
the other gets the clear conflict; of two deploys of one revision, one new version, not two."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from casework.engine import deploy
from casework.errors import Conflict
from casework.models.audit import AuditEvent
from casework.models.engine import ModelVersion
from casework.models.modeling import ModelDraft
from casework.services.actor import Actor
from casework.services.modeling import drafts
from tests.integration.modeling.test_modeling_drafts import XML, _with_task

ROUNDS = 5


def _race(*calls) -> list[str]:
    """Run the calls at once, each in its own thread and session; 'ok', 'conflict' or the error."""
    barrier = threading.Barrier(len(calls))
    results: list[str] = []

    def one(call):
        barrier.wait(timeout=60)
        try:
            call()
            results.append("ok")
        except Conflict as exc:
            results.append("conflict" if "\n" not in str(exc) else repr(exc))
        except Exception as exc:  # anything else is the failure this test exists for
            results.append(repr(exc))
    threads = [threading.Thread(target=one, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return sorted(results)


def _save(container, name: str, xml: str, revision: int):
    actor = Actor(name, frozenset({"manager"}))
    return lambda: drafts.save_draft(container.uow(), actor=actor, key="rectification", xml=xml,
                                     base_version=1, revision=revision)


def _deploy(container, name: str, revision: int):
    actor = Actor(name, frozenset({"manager"}))
    return lambda: drafts.deploy_draft(container.uow(), actor=actor, key="rectification", revision=revision,
                                       reason=f"by {name}")


@pytest.fixture
def shipped(container):
    with container.uow() as uow:
        deploy(uow.session, "rectification", XML, actor="system")
        uow.commit()


def test_two_saves_of_one_revision_one_wins_the_other_conflicts(container, shipped):
    mine, theirs = _with_task("rectification_draft"), _with_task("rectification_report")
    assert _race(_save(container, "a", mine, 0), _save(container, "b", theirs, 0)) == ["conflict", "ok"]
    for revision in range(1, ROUNDS + 1):
        assert _race(_save(container, "a", mine, revision), _save(container, "b", theirs, revision)) == \
            ["conflict", "ok"], revision
    with container.uow() as uow:
        draft = uow.session.scalars(select(ModelDraft)).one()
        assert draft.revision == ROUNDS + 1
        assert draft.xml.count("extra_check") >= 1 and draft.saved_by in {"a", "b"}
        saves = uow.session.scalar(select(func.count()).select_from(AuditEvent)
                                   .where(AuditEvent.action == "model.draft_save"))
        assert saves == ROUNDS + 1  # one per winning save, none for a loser


def test_two_deploys_of_one_revision_make_one_version(container, shipped):
    _save(container, "a", _with_task("rectification_draft"), 0)()
    assert _race(_deploy(container, "a", 1), _deploy(container, "b", 1)) == ["conflict", "ok"]
    with container.uow() as uow:
        assert [v.version for v in uow.session.scalars(
            select(ModelVersion).where(ModelVersion.key == "rectification"))] == [1, 2]
        assert uow.session.scalars(select(ModelDraft)).all() == []
        deployed = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "model.deploy_draft")).all()
        assert len(deployed) == 1


def test_a_save_racing_a_deploy_of_the_same_revision_loses_cleanly_or_wins(container, shipped):
    _save(container, "a", _with_task("rectification_draft"), 0)()
    results = _race(_deploy(container, "a", 1), _save(container, "b", _with_task("rectification_report"), 1))
    assert results == ["conflict", "ok"]
    with container.uow() as uow:
        versions = uow.session.scalar(select(func.count()).select_from(ModelVersion)
                                      .where(ModelVersion.key == "rectification"))
        draft = uow.session.scalars(select(ModelDraft)).one_or_none()
        assert (versions, draft) == (2, None) or (versions == 1 and draft.revision == 2)
