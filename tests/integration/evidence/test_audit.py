from sqlalchemy import update

import pytest

from casework import audit
from casework.models import AuditEvent
from tests.integration.tamper import guards_lifted


def test_chain_verifies_and_names_the_first_tampered_event(container, uow, clock):
    with uow:
        for i in range(5):
            audit.record(uow.session, "clerk1", "case.opened", f"case:{i}", {"n": i, "名": "单位"})
            clock.advance(minutes=1)
        uow.commit()
    with uow:
        assert audit.verify(uow.session).ok
        assert audit.verify(uow.session).checked == 5
    with pytest.raises(Exception, match="append-only"):  # the database refuses
        with uow:
            uow.session.execute(update(AuditEvent).where(AuditEvent.seq == 3).values(actor="mallory"))
            uow.commit()
    with guards_lifted(container.engine), uow:  # an attacker with DDL rights
        uow.session.execute(update(AuditEvent).where(AuditEvent.seq == 3).values(actor="mallory"))
        uow.commit()
    with uow:
        result = audit.verify(uow.session)
        assert not result.ok and result.first_broken_seq == 3


def test_removed_last_event_is_detected(container, uow):
    with uow:
        for i in range(3):
            audit.record(uow.session, "a", "x", f"s:{i}")
        uow.commit()
    with guards_lifted(container.engine), uow:
        uow.session.delete(uow.session.get(AuditEvent, 3))
        uow.commit()
    with uow:
        assert audit.verify(uow.session).first_broken_seq == 3


def test_concurrent_appends_keep_one_unbroken_chain(container):
    import threading

    with container.uow() as uow:  # the head row exists before the race
        audit.record(uow.session, "init", "x", "s:0")
        uow.commit()

    def append(worker: int) -> None:
        for i in range(25):
            with container.uow() as uow:
                audit.record(uow.session, f"w{worker}", "x", f"s:{worker}:{i}")
                uow.commit()

    threads = [threading.Thread(target=append, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with container.uow() as uow:
        result = audit.verify(uow.session)
    assert result.ok and result.checked == 101
