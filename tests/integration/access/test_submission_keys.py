"""Submission keys: committed with the act, or not at all; a racing twin fails on the key."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy.exc import IntegrityError

from casework import audit
from casework.errors import Conflict
from casework.storage import submissions


def _act(uow, key: str, *, commit: bool) -> None:
    """A service's act inside the request's open unit of work."""
    with uow:
        submissions.hold(uow, key=key, actor="unit1", endpoint="queue.task")
        audit.record(uow.session, "unit1", "test.acted", "test:1", {})
        if commit:
            uow.commit()


def test_the_key_commits_with_the_act_and_keeps_its_answer(container):
    key = submissions.new_key()
    with container.uow() as request:  # the request's unit of work, open around the act
        assert submissions.find(request, key=key, actor="unit1") is None
        _act(request, key, commit=True)
        submissions.settle(request, key=key, result="/tasks")
    with container.uow() as again:
        assert submissions.find(again, key=key, actor="unit1") == "/tasks"
        with pytest.raises(Conflict):  # someone else's key
            submissions.find(again, key=key, actor="unit2")


def test_an_act_that_did_not_commit_or_was_refused_leaves_no_key(container):
    uncommitted, refused = submissions.new_key(), submissions.new_key()
    with container.uow() as request:
        _act(request, uncommitted, commit=False)
        submissions.settle(request, key=uncommitted, result="/tasks")
    with container.uow() as request:
        _act(request, refused, commit=True)  # e.g. a failed try the service records
        submissions.settle(request, key=refused, result=None)
    with container.uow() as again:
        assert submissions.find(again, key=uncommitted, actor="unit1") is None
        assert submissions.find(again, key=refused, actor="unit1") is None


def test_a_racing_twin_fails_on_the_key_once_the_first_commits(container):
    key = submissions.new_key()
    first = container.uow()
    first.__enter__()
    submissions.hold(first, key=key, actor="unit1", endpoint="queue.task")
    outcome = []

    def twin():
        with container.uow() as second:
            try:
                submissions.hold(second, key=key, actor="unit1", endpoint="queue.task")
            except IntegrityError:
                outcome.append("refused")
            else:
                outcome.append("held")

    thread = threading.Thread(target=twin)
    thread.start()  # waits on the key (PostgreSQL) or the write lock (SQLite) until ...
    first.commit()  # ... the first commits
    first.__exit__(None, None, None)
    thread.join()
    assert outcome == ["refused"]
    assert submissions.find(container.uow(), key=key, actor="unit1") == submissions.PENDING
