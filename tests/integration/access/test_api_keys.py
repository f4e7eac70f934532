"""API idempotency keys: one stored key per actor and endpoint, kept with the first answer."""
from __future__ import annotations

from casework import audit
from casework.storage import submissions


def test_a_client_key_is_scoped_to_its_actor_and_endpoint_and_never_a_form_key():
    key = submissions.scoped("k-1", actor="unitA", endpoint="api.complete_task")
    assert key == submissions.scoped("k-1", actor="unitA", endpoint="api.complete_task")
    others = {submissions.scoped("k-1", actor="unitB", endpoint="api.complete_task"),
              submissions.scoped("k-1", actor="unitA", endpoint="api.claim_task"),
              submissions.scoped("k-2", actor="unitA", endpoint="api.complete_task")}
    assert key not in others and len(others) == 3
    assert len(key) <= 64 and not submissions.well_formed(key)  # no form key can take its place


def test_the_first_answer_is_kept_with_the_fingerprint_and_a_refusal_keeps_nothing(container):
    kept = submissions.scoped("kept", actor="unitA", endpoint="api.complete_task")
    refused = submissions.scoped("refused", actor="unitA", endpoint="api.complete_task")
    mark = submissions.fingerprint(b"POST", b"/api/v1/tasks/1/complete", b'{"data":{}}')
    for key in (kept, refused):
        with container.uow() as request:
            assert submissions.prior(request, key=key) is None
            with request:
                submissions.hold(request, key=key, actor="unitA", endpoint="api.complete_task",
                                 fingerprint=mark)
                audit.record(request.session, "unitA", "test.acted", "test:1", {})
                request.commit()
            assert submissions.prior(request, key=key).result == submissions.PENDING
            if key == kept:
                submissions.settle(request, key=key, result="/api/v1/tasks/1/complete",
                                   status=200, body='{"ref": "X"}')
            else:
                submissions.settle(request, key=key, result=None)
    with container.uow() as again:
        assert submissions.prior(again, key=kept) == submissions.Prior(
            mark, "/api/v1/tasks/1/complete", 200, '{"ref": "X"}')
        assert submissions.prior(again, key=refused) is None
