"""Two-factor sign-in in Chromium: an officer sets up an authenticator app on their account page,
signs out, and signs in again with their password and a code. Both pages checked by axe."""

import base64
import re
import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.tests.conftest import PASSWORD, code_for
from organisation.tests.personas import build_town, freeze_today
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def code_from_typed_key(typed: str) -> str:
    """What an authenticator app shows now for a key typed in as the set-up page shows it."""
    secret = base64.b32decode("".join(typed.split()))
    totp = TOTP(secret, 30, 0, 6, 0)
    totp.time = time.time()
    return f"{totp.token():06d}"


def heading(page):
    return page.get_by_role("heading", level=1)


def test_setting_up_two_factor_and_signing_in_with_a_code(page, live_server, monkeypatch, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code, then the right one at once
    freeze_today(monkeypatch)
    officer = build_town().person("officer")
    sign_in(page, live_server, "officer", PASSWORD)

    page.get_by_role("link", name="Your account").click()
    expect(heading(page)).to_have_text("Your account")
    page.get_by_role("link", name="Set up two-factor sign-in").click()
    expect(heading(page)).to_have_text("Set up two-factor sign-in")
    expect(
        page.get_by_role("img", name=re.compile("^QR code to add Golden Thread"))
    ).to_be_visible()
    assert_accessible(page)

    code = code_from_typed_key(page.locator("#setup-key").inner_text())
    page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("alert")).to_contain_text("Two-factor sign-in is set up")
    expect(page.locator("main")).to_contain_text("On: a code from your authenticator app")

    page.get_by_role("button", name="Sign out").click()
    expect(heading(page)).to_have_text("Sign in")
    sign_in(page, live_server, "officer", PASSWORD)
    expect(page).to_have_url(re.compile(re.escape(reverse("sign_in_code")) + "$"))
    expect(heading(page)).to_have_text("Enter the code from your authenticator app")
    assert_accessible(page)

    device = TOTPDevice.objects.get(user=officer)
    code_field = page.get_by_label("Enter the code from your authenticator app")
    code_field.fill(code_for(device, wrong=True))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile("^Error: Enter the code"))
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    assert_accessible(page)

    code_field.fill(code_for(device))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("scorecards:organisation")) + "$"))
    expect(page.get_by_text("Olu Adeyemi")).to_be_visible()
