"""Unit accounts in headless chromium, phone-sized and desktop: the bureau creates an account
and reads its one-time code, the unit activates it, signs in and lands on the portal, invites
a second user; the bureau resets a password from a confirmation page naming the user and its
unit (cancelling does nothing; the page works without JavaScript; the old session ends); wrong,
used and expired codes say so.

Screenshots (Chinese and English, phone and desktop) go to $CASEWORK_TEST_OUTPUT/web/portal.
"""
from __future__ import annotations

import pytest

from casework import clock
from casework.services.units import registration
from casework.services.units.credit_code import make
from casework.services.units import accounts as unit_accounts
from tests.e2e.web.test_browser import WAIT, browser, server  # noqa: F401
from tests.e2e.web.portal.test_portal_browser import VIEWPORTS, shot
from tests.e2e.web.world import CLERK, PASSWORD

pytestmark = pytest.mark.browser
NEW_PASSWORD = "Shop-pass-2026"
SERIAL = {"phone": 81, "desktop": 82}


@pytest.fixture
def open_page(browser, server):  # noqa: F811
    contexts = []

    def make_page(viewport: str, lang: str = "zh", js: bool = True):
        context = browser.new_context(viewport=VIEWPORTS[viewport], base_url=server, java_script_enabled=js)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(WAIT)
        page.goto(f"/sign-in?lang={lang}")
        return page
    yield make_page
    for context in contexts:
        context.close()


def sign_in(page, username: str, password: str) -> None:
    page.goto("/sign-in")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/sign-in" not in url)


def activate(page, username: str, code: str, password: str = NEW_PASSWORD) -> None:
    page.goto("/activate")
    page.fill("#username", username)
    page.fill("#code", code)
    page.fill("#password", password)
    page.fill("#confirm", password)
    page.click("#activate button[type=submit]")


def _unit(serial: int) -> tuple[str, str]:
    name = f"太原账户测试商场{serial}号"
    return name, make(f"91140100MA0{serial:06d}")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_bureau_creates_the_unit_activates_invites_and_the_bureau_resets(open_page, app, viewport):
    container = app.extensions["casework"]
    name, credit = _unit(SERIAL[viewport])
    unit_id = registration.register_unit(
        container.uow(), actor=CLERK, credit_code_value=credit, name=name, address="太原市人民路8号",
        legal_representative="王五", site_category="commercial", party_type="business",
        jurisdiction="taiyuan", electronic_service_consent=True)["unit_id"]
    first, second = f"shop-{viewport}", f"shop-{viewport}-2"

    bureau = open_page("desktop")
    sign_in(bureau, "tyclerk", PASSWORD)
    bureau.click("header nav a[href='/accounts/units']")
    bureau.fill("#q", credit)
    bureau.click("#unit-search button")
    card = bureau.locator(f"#unit-{unit_id}")
    card.locator("input[name=username]").fill(first)
    card.locator("input[name=display_name]").fill("张店长")
    shot(bureau, f"accounts-bureau-{viewport}-zh")
    card.locator("button", has_text="创建账户").click()
    code = bureau.locator("#activation-code").inner_text()
    shot(bureau, f"accounts-code-{viewport}-zh")

    unit = open_page(viewport)
    unit.click("#activate-link")
    activate(unit, first, "AAAA-BBBB-CCCC")
    assert "用户名或激活码不正确" in unit.locator("#activate-error").inner_text()
    assert unit.input_value("#username") == first  # nothing typed is lost but the passwords
    shot(unit, f"activate-wrong-{viewport}-zh")
    activate(unit, first, code.lower())
    unit.wait_for_url("**/sign-in**")
    assert "账户已激活" in unit.content()
    unit.fill("#password", NEW_PASSWORD)  # the username is filled in
    unit.click("button[type=submit]")
    unit.wait_for_url("**/portal/")  # a unit lands on its portal
    activate(unit, first, code)
    assert "已使用" in unit.locator("#activate-error").inner_text()

    unit.goto("/portal/account")
    unit.fill("#invite-username", second)
    unit.fill("#invite-name", "李会计")
    shot(unit, f"account-{viewport}-zh")
    unit.click("#invite-form button[type=submit]")
    invited = unit.locator("#activation-code").inner_text()
    shot(unit, f"account-invite-code-{viewport}-zh")
    other = open_page(viewport)
    activate(other, second, invited)
    other.wait_for_url("**/sign-in**")
    sign_in(other, second, NEW_PASSWORD)
    assert other.url.endswith("/portal/")
    for lang in ("zh", "en"):
        unit.goto(f"/portal/account?lang={lang}")
        assert unit.locator("#unit-users li.card").count() == 2
        shot(unit, f"account-users-{viewport}-{lang}")

    bureau.goto(f"/accounts/units?q={credit}&lang=en")
    shot(bureau, f"accounts-bureau-users-{viewport}-en")
    bureau.locator(f"#user-{first} a.reset", has_text="Reset password").click()
    assert "Reset the password of 张店长?" in bureau.locator("h1").inner_text()
    assert name in bureau.locator("#reset-unit").inner_text() and first in bureau.locator("#reset-user").inner_text()
    assert "Every web session signed in with it ends." in bureau.locator("#reset-effects").inner_text()
    shot(bureau, f"accounts-reset-confirm-{viewport}-en")
    bureau.click("#reset-cancel")  # cancelled: nothing happens
    bureau.wait_for_selector(f"#user-{first}")
    unit.goto("/portal/")
    assert unit.url.endswith("/portal/")  # still signed in
    bureau.locator(f"#user-{first} a.reset").click()
    bureau.click("#reset-confirm")
    fresh = bureau.locator("#activation-code").inner_text()
    shot(bureau, f"accounts-reset-code-{viewport}-en")
    unit.goto("/portal/")
    assert "/sign-in" in unit.url  # the reset ended the old session
    sign_in_page = unit.content()
    assert "Sign in" in sign_in_page or "登录" in sign_in_page

    clock.current().advance(unit_accounts.CODE_LIFETIME)
    activate(unit, first, fresh)
    unit.wait_for_selector("#activate-error")
    assert "expired" in unit.locator("#activate-error").inner_text()
    unit.goto("/activate?lang=en")
    shot(unit, f"activate-{viewport}-en")
    unit.goto("/activate?lang=zh")
    shot(unit, f"activate-{viewport}-zh")
    plain = open_page(viewport, "zh", js=False)  # the confirmation works without JavaScript
    sign_in(plain, "tyclerk", PASSWORD)
    plain.goto(f"/accounts/units?q={credit}&lang=zh")
    plain.locator(f"#user-{first} a.reset", has_text="重置密码").click()
    assert "重置 张店长 的密码？" in plain.locator("h1").inner_text()
    assert "code expired" not in plain.content() and "激活码已过期" in plain.content()
    shot(plain, f"accounts-reset-confirm-{viewport}-zh")
    plain.click("#reset-confirm")
    renewed = plain.locator("#activation-code").inner_text()
    activate(unit, first, renewed)
    unit.wait_for_url("**/sign-in**")
    sign_in(unit, first, NEW_PASSWORD)
    assert unit.url.endswith("/portal/")
