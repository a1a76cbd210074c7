"""Personal API tokens in Chromium: an officer makes one on their account page, copies it (shown
once), sees it listed without its secret, and revokes it. Each page checked by axe."""

import re

import pytest
from playwright.sync_api import expect

from accounts.tests.conftest import PASSWORD
from organisation.tests.personas import build_town, freeze_today
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def heading(page):
    return page.get_by_role("heading", level=1)


def test_making_a_token_seeing_it_once_and_revoking_it(
    page, live_server, monkeypatch, browser_errors
):
    browser_errors.allow(r"status of 400 \(Bad Request\)")  # a form with errors answers 400
    freeze_today(monkeypatch)
    build_town()
    sign_in(page, live_server, "officer", PASSWORD)

    page.get_by_role("link", name="Your account").click()
    expect(page.locator("main")).to_contain_text("You have no API tokens.")
    page.get_by_role("button", name="Make an API token").click()
    expect(heading(page)).to_have_text("Make an API token")
    assert_accessible(page)

    page.get_by_role("button", name="Make the token").click()  # no name yet
    expect(page.get_by_role("alert")).to_contain_text("Enter a name for the token")
    page.get_by_label("Name").fill("Housing system")
    page.get_by_label(re.compile(r"^30 days")).check()
    page.get_by_role("button", name="Make the token").click()

    expect(heading(page)).to_have_text("Your new API token")
    secret = page.get_by_label("The token").input_value()
    assert re.fullmatch(r"gt_[0-9a-f]{8}_[A-Za-z0-9_-]{43}", secret)
    assert_accessible(page)

    page.get_by_role("link", name="Back to your account").click()
    tokens = page.get_by_role("table", name="Your API tokens")
    expect(tokens).to_contain_text("Housing system")
    expect(tokens).to_contain_text(secret[:11])  # how it begins, gt_ and its prefix
    assert secret not in page.content()
    assert_accessible(page)

    page.get_by_role("button", name="Revoke “Housing system”").click()
    expect(page.get_by_role("alert")).to_contain_text("The token “Housing system” is revoked")
    expect(tokens).to_contain_text("Revoked")
