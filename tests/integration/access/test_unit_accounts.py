"""Unit accounts: created by the bureau with a one-time code, activated by the unit, a second
user invited by the first, passwords reset by the bureau; every step audited."""
from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from casework.cli import main

from casework.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from casework.models import ActivationCode, AuditEvent, Jurisdiction, User
from casework.services import accounts
from casework.services.units import accounts as unit_accounts
from casework.services.actor import Actor
from tests.integration.lifecycle.lifecycle_driver import Driver
from tests.integration.operators import add_user, sign_in

GOOD = "unit-pass-2026"


@pytest.fixture
def driver(container, clock):
    return Driver(container, clock)


def _clerk_of(driver, code: str) -> Actor:
    with driver.uow() as uow:
        jid = uow.session.execute(select(Jurisdiction.id).where(Jurisdiction.code == code)).scalar_one()
    return Actor(f"{code}-clerk", frozenset({"clerk"}), None, jid)


def _actions(driver, username: str) -> list[str]:
    with driver.uow() as uow:
        return list(uow.session.scalars(select(AuditEvent.action).where(
            AuditEvent.subject == f"user:{username}").order_by(AuditEvent.seq)))


def _activate(driver, username, code, password=GOOD, address="10.0.0.1"):
    return unit_accounts.activate(driver.uow(), username=username, code=code, password=password,
                                  address=address)


def test_the_bureau_creates_the_unit_activates_and_invites_a_second(driver, clock):
    reg = driver.register("taiyuan")
    clerk = _clerk_of(driver, "taiyuan")
    issued = unit_accounts.create_unit_account(driver.uow(), actor=clerk, unit_id=reg["unit_id"],
                                               username="shop1", display_name="商场一号")
    assert len(unit_accounts.normalise_code(issued["code"])) == 12
    with driver.uow() as uow:  # only a hash of the code is kept
        row = uow.session.scalars(select(ActivationCode)).one()
        assert issued["code"] not in row.code_hash and row.code_hash.startswith("$argon2id$")
    with pytest.raises(accounts.BadCredentials):  # no password until activation
        accounts.sign_in(driver.uow(), username="shop1", password=GOOD, address="t")
    with pytest.raises(InvalidInput):  # the password rule first: no try spent
        _activate(driver, "shop1", issued["code"], password="short")
    assert _activate(driver, "shop1", issued["code"].lower().replace("-", " ")) == "shop1"
    actor = accounts.sign_in(driver.uow(), username="shop1", password=GOOD, address="t")
    assert actor.unit_id == reg["unit_id"]
    with pytest.raises(unit_accounts.CodeRefused, match="already used"):
        _activate(driver, "shop1", issued["code"])

    invited = unit_accounts.invite(driver.uow(), actor=actor, username="shop1-b")
    second = Actor("shop1-b", frozenset({"unit"}), reg["unit_id"])
    assert _activate(driver, "shop1-b", invited["code"]) == "shop1-b"
    page = unit_accounts.my_unit(driver.uow(), actor=second)
    assert [u["status"] for u in page["users"]] == ["active", "active"] and not page["may_invite"]
    with pytest.raises(PermissionDenied):  # only the first invites
        unit_accounts.invite(driver.uow(), actor=second, username="shop1-c")
    with pytest.raises(Conflict):  # two accounts per unit
        unit_accounts.create_unit_account(driver.uow(), actor=clerk, unit_id=reg["unit_id"],
                                          username="shop1-c")
    done = [a for a in _actions(driver, "shop1") if a.startswith("account.")]
    assert done == ["account.unit_created", "account.code_issued", "account.activated"]
    assert "account.invited" in _actions(driver, "shop1-b")


def test_scope_wrong_and_expired_codes(driver, clock):
    reg = driver.register("changzhou")
    with pytest.raises(NotFound):  # another jurisdiction's unit does not exist for the clerk
        unit_accounts.create_unit_account(driver.uow(), actor=_clerk_of(driver, "taiyuan"),
                                          unit_id=reg["unit_id"], username="cz1")
    with pytest.raises(PermissionDenied):
        unit_accounts.create_unit_account(driver.uow(), actor=Actor("i", frozenset({"inspector"})),
                                          unit_id=reg["unit_id"], username="cz1")
    clerk = _clerk_of(driver, "changzhou")
    issued = unit_accounts.create_unit_account(driver.uow(), actor=clerk, unit_id=reg["unit_id"],
                                               username="cz1")
    with pytest.raises(unit_accounts.CodeRefused, match="wrong username or activation code"):
        _activate(driver, "cz1", "AAAA-BBBB-CCCC")
    with pytest.raises(unit_accounts.CodeRefused, match="wrong username"):
        _activate(driver, "nobody", issued["code"])
    clock.advance(unit_accounts.CODE_LIFETIME + timedelta(minutes=1))
    with pytest.raises(unit_accounts.CodeRefused, match="expired"):
        _activate(driver, "cz1", issued["code"])
    assert unit_accounts.bureau_units(driver.uow(), actor=clerk)[0]["users"][0]["status"] == "code_expired"
    fresh = unit_accounts.reset_password(driver.uow(), actor=clerk, username="cz1")
    with pytest.raises(unit_accounts.CodeRefused, match="void"):  # the old code was replaced
        _activate(driver, "cz1", issued["code"])
    assert _activate(driver, "cz1", fresh["code"]) == "cz1"


def test_wrong_tries_burn_the_code_and_throttle_the_address(driver, monkeypatch):
    reg = driver.register("taiyuan")
    issued = unit_accounts.create_unit_account(driver.uow(), actor=_clerk_of(driver, "taiyuan"),
                                               unit_id=reg["unit_id"], username="ty9")
    for attempt in range(unit_accounts.MAX_CODE_FAILURES):
        with pytest.raises(unit_accounts.CodeRefused) as refused:
            _activate(driver, "ty9", f"WRNG-CODE-{attempt:04d}", address=f"10.0.1.{attempt}")
    assert "void" in str(refused.value)
    with pytest.raises(unit_accounts.CodeRefused, match="void"):  # even the right one now
        _activate(driver, "ty9", issued["code"])
    monkeypatch.setattr(accounts, "MAX_PER_ADDRESS", 3)  # each try costs an argon2 check
    for attempt in range(accounts.MAX_PER_ADDRESS):
        with pytest.raises(unit_accounts.CodeRefused):
            _activate(driver, "nobody", "AAAA-AAAA-AAAA", address="10.9.9.9")
    with pytest.raises(accounts.Throttled):
        _activate(driver, "ty9", issued["code"], address="10.9.9.9")


def test_a_reset_ends_the_old_password_tokens_and_sessions(driver):
    reg = driver.register("taiyuan")
    clerk = _clerk_of(driver, "taiyuan")
    issued = unit_accounts.create_unit_account(driver.uow(), actor=clerk, unit_id=reg["unit_id"],
                                               username="ty5")
    _activate(driver, "ty5", issued["code"])
    token = accounts.issue_token(driver.uow(), username="ty5", password=GOOD, address="t")["token"]
    stamp = accounts.session_facts(driver.uow(), "ty5")["stamp"]
    assert accounts.session_actor(driver.uow(), "ty5", stamp) is not None
    with pytest.raises(NotFound):  # staff accounts are not reset this way
        unit_accounts.reset_password(driver.uow(), actor=clerk, username="ty5-missing")
    fresh = unit_accounts.reset_password(driver.uow(), actor=clerk, username="ty5")
    assert accounts.actor_for_token(driver.uow(), token) is None
    assert accounts.session_actor(driver.uow(), "ty5", stamp) is None
    with pytest.raises(accounts.BadCredentials):
        accounts.sign_in(driver.uow(), username="ty5", password=GOOD, address="t")
    _activate(driver, "ty5", fresh["code"], password="another-pass-2026")
    new_stamp = accounts.session_facts(driver.uow(), "ty5")["stamp"]
    assert accounts.session_actor(driver.uow(), "ty5", stamp) is None  # the old session stays ended
    assert accounts.session_actor(driver.uow(), "ty5", new_stamp) is not None
    assert "account.password_reset" in _actions(driver, "ty5")
    with driver.uow() as uow:
        assert uow.session.scalars(select(User).where(User.username == "ty5")).one().active



def test_the_cli_creates_and_resets_unit_accounts_as_the_signed_in_clerk(
        driver, container, database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("CASEWORK_DATABASE_URL", database_url)
    monkeypatch.setenv("CASEWORK_DATA_DIR", str(container.settings.data_dir))
    monkeypatch.delenv("CASEWORK_SYSTEM_ACCOUNT", raising=False)
    reg = driver.register("taiyuan")
    add_user(container, "cliclerk", ["clerk"], jurisdiction="taiyuan")
    sign_in(container, monkeypatch, tmp_path, "cliclerk")
    out = CliRunner().invoke(main, ["user", "unit-account", str(reg["unit_id"]), "cliunit"])
    assert out.exit_code == 0, out.output
    code = out.output.split("\t")[1]
    assert _activate(driver, "cliunit", code) == "cliunit"
    out = CliRunner().invoke(main, ["user", "reset", "cliunit"], input="n\n")  # named, asked, declined
    assert out.exit_code == 1 and "(cliunit)" in out.output and "Reset?" in out.output, out.output
    assert "account.password_reset" not in _actions(driver, "cliunit")
    out = CliRunner().invoke(main, ["user", "reset", "cliunit"], input="y\n")
    assert out.exit_code == 0 and out.output.splitlines()[-1].startswith("cliunit\t"), out.output
    assert _actions(driver, "cliunit").count("account.password_reset") == 1
    out = CliRunner().invoke(main, ["user", "reset", "cliunit", "--yes"])
    assert out.exit_code == 0 and out.output.startswith("cliunit\t"), out.output
    assert "account.password_reset" in _actions(driver, "cliunit")


def test_a_reset_is_confirmed_against_what_the_bureau_saw(driver, clock):
    """The preview names the user and unit and stamps the account's state; a reset confirmed
    against an older state (the unit activated meanwhile, a colleague reset it) does nothing."""
    reg = driver.register("taiyuan")
    clerk = _clerk_of(driver, "taiyuan")
    issued = unit_accounts.create_unit_account(driver.uow(), actor=clerk, unit_id=reg["unit_id"],
                                               username="ty7", display_name="赵店长")
    before = unit_accounts.reset_preview(driver.uow(), actor=clerk, username="ty7")
    assert (before["display_name"], before["status"], before["tokens"], before["had_password"]) == \
        ("赵店长", "pending", 0, False)
    assert before["unit"]["id"] == reg["unit_id"] and before["unit"]["name"]
    assert unit_accounts.reset_preview(driver.uow(), actor=clerk, username="ty7")["state"] == before["state"]
    _activate(driver, "ty7", issued["code"])
    with pytest.raises(Conflict, match="changed after the confirmation page"):
        unit_accounts.reset_password(driver.uow(), actor=clerk, username="ty7", seen=before["state"])
    accounts.sign_in(driver.uow(), username="ty7", password=GOOD, address="t")  # still works
    assert "account.password_reset" not in _actions(driver, "ty7")
    seen = unit_accounts.reset_preview(driver.uow(), actor=clerk, username="ty7")
    assert seen["status"] == "active" and seen["had_password"]
    unit_accounts.reset_password(driver.uow(), actor=clerk, username="ty7", seen=seen["state"])
    with pytest.raises(Conflict):  # a second confirmation of the same page: already done
        unit_accounts.reset_password(driver.uow(), actor=clerk, username="ty7", seen=seen["state"])
    assert _actions(driver, "ty7").count("account.password_reset") == 1
    with pytest.raises(NotFound):  # out of scope: no such unit user
        unit_accounts.reset_preview(driver.uow(), actor=_clerk_of(driver, "changzhou"), username="ty7")
