"""Accounts: an admin adds staff and unit users; the new user signs in with argon2id."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from casework.errors import Conflict, InvalidInput, PermissionDenied
from casework.models import User
from casework.install.seed import seed_reference_data
from casework.services import accounts
from casework.services.actor import Actor

ADMIN = Actor("root", frozenset({"admin"}))


def test_admin_adds_staff_and_unit_users_who_then_sign_in(container):
    seed_reference_data(container, progress=lambda _m: None)
    accounts.create_account(container.uow(), actor=ADMIN, username="ty.clerk", display_name="太原办事员",
                            password="a-long-password", roles=["clerk"], jurisdiction="taiyuan")
    actor = accounts.sign_in(container.uow(), username="ty.clerk", password="a-long-password", address="t")
    assert actor.roles == {"clerk"} and actor.jurisdiction_id is not None
    with container.uow() as uow:
        assert uow.session.execute(select(User.password_hash)).scalar().startswith("$argon2id$")
    with pytest.raises(Conflict):
        accounts.create_account(container.uow(), actor=ADMIN, username="ty.clerk", display_name="x",
                                password="a-long-password", roles=["clerk"])
    with pytest.raises(InvalidInput):  # a unit user needs its unit and only the unit role
        accounts.create_account(container.uow(), actor=ADMIN, username="u1", display_name="x",
                                password="a-long-password", roles=["unit", "clerk"], unit_id=1)
    with pytest.raises(InvalidInput):
        accounts.create_account(container.uow(), actor=ADMIN, username="x", display_name="x",
                                password="a-long-password", roles=["wizard"])
    with pytest.raises(PermissionDenied):
        accounts.create_account(container.uow(), actor=Actor("c", frozenset({"clerk"})), username="y",
                                display_name="y", password="a-long-password", roles=["clerk"])
    with pytest.raises(accounts.BadCredentials):
        accounts.sign_in(container.uow(), username="ty.clerk", password="wrong-password", address="t")
