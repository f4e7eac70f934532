"""A unit's first user issues a never-activated account of its unit a new code."""
from __future__ import annotations

import pytest

from casework.errors import Conflict, NotFound, PermissionDenied
from casework.services import accounts
from casework.services.units import accounts as unit_accounts
from tests.integration.access.test_unit_accounts import GOOD, _actions, _activate, _clerk_of
from tests.integration.lifecycle.lifecycle_driver import Driver


@pytest.fixture
def driver(container, clock):
    return Driver(container, clock)


def test_the_first_user_reissues_the_bureaus_unused_code_for_the_second(driver, clock):
    reg, other = driver.register("taiyuan"), driver.register("taiyuan")
    clerk = _clerk_of(driver, "taiyuan")
    first_code = unit_accounts.create_unit_account(driver.uow(), actor=clerk, unit_id=reg["unit_id"],
                                                   username="shop2")["code"]
    old = unit_accounts.create_unit_account(driver.uow(), actor=clerk, unit_id=reg["unit_id"],
                                            username="shop2-b")["code"]
    unit_accounts.create_unit_account(driver.uow(), actor=clerk, unit_id=other["unit_id"], username="shop3")
    _activate(driver, "shop2", first_code)
    first = accounts.sign_in(driver.uow(), username="shop2", password=GOOD, address="t")
    with pytest.raises(PermissionDenied):  # staff issue codes by reset, not here
        unit_accounts.reissue(driver.uow(), actor=clerk, username="shop2-b")
    with pytest.raises(NotFound):
        unit_accounts.reissue(driver.uow(), actor=first, username="shop3")
    with pytest.raises(Conflict, match="activated"):
        unit_accounts.reissue(driver.uow(), actor=first, username="shop2")
    page = unit_accounts.my_unit(driver.uow(), actor=first)
    assert [u["may_reissue"] for u in page["users"]] == [False, True]

    new = unit_accounts.reissue(driver.uow(), actor=first, username="shop2-b")
    assert new["purpose"] == "invite" and new["code"] != old
    with pytest.raises(unit_accounts.CodeRefused, match="void"):
        _activate(driver, "shop2-b", old)
    assert _activate(driver, "shop2-b", new["code"]) == "shop2-b"
    assert _actions(driver, "shop2-b") == ["account.unit_created", "account.code_issued",
                                           "account.reinvited", "account.code_issued",
                                           "account.activated"]
    page = unit_accounts.my_unit(driver.uow(), actor=first)
    assert [u["may_reissue"] for u in page["users"]] == [False, False]
