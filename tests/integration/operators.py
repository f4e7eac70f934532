"""Accounts and CLI sessions for tests that drive commands as a signed-in user."""
from __future__ import annotations

from sqlalchemy import select

from casework import audit, clock
from casework.cli.operator import NO_PASSWORD, SESSION_FILE_ENV, issue_token, write_session
from casework.models import Jurisdiction, User
from casework.passwords import hash_password

PASSWORD = "correct horse battery"


def add_user(container, username: str, roles, *, jurisdiction: str | None = None,
             unit_id: int | None = None, system: bool = False) -> None:
    with container.uow() as uow:
        jid = None
        if jurisdiction:
            jid = uow.session.execute(select(Jurisdiction.id).where(
                Jurisdiction.code == jurisdiction)).scalar_one()
        uow.session.add(User(username=username, display_name=username, roles=list(roles),
                             password_hash=NO_PASSWORD if system else hash_password(PASSWORD),
                             jurisdiction_id=jid, unit_id=unit_id, active=True,
                             created_at=clock.now()))
        uow.commit()


def sign_in(container, monkeypatch, tmp_path, username: str) -> None:
    """What `casework login` leaves behind, for this test's session file."""
    monkeypatch.setenv(SESSION_FILE_ENV, str(tmp_path / "sessions" / username))
    with container.uow() as uow:
        user = uow.session.execute(select(User).where(User.username == username)).scalar_one()
        token, _ = issue_token(audit.anchor_of(uow.session).key, user)
    write_session(token)
