"""The performance team manages people in Chromium, on the demo council: finds the People page
from the framework's front page, filters the list, invites a new officer (the form first refused
with its errors named), gives them a second role, and the officer sets their password from the
emailed link and signs in; then the performance team deactivates them with a reason and reads
it in their history. Every page passes axe at desktop width and at 375 px."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD, DESKTOP, assert_accessible, sign_in

pytestmark = pytest.mark.browser

EMAIL = "jo.bright@wyvernvale.gov.uk"
NEW_PASSWORD = "bright recycling rounds"


def test_the_performance_team_invites_changes_and_deactivates_a_person(
    page, browser, live_server, demo_council, browser_errors
):
    browser_errors.allow(r"status of 400 \(Bad Request\)")  # a form with errors answers 400
    sign_in(page, live_server, "performance", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Framework").click()
    page.get_by_role("link", name="People", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    expect(page.get_by_role("row", name=re.compile("Sam Cooper"))).to_contain_text("Data owner")
    assert_accessible(page)

    page.get_by_label("Role").select_option(label="Data owner")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#people caption")).to_contain_text("matching the filters")
    expect(page.get_by_role("row", name=re.compile("Tom Greenaway"))).to_have_count(0)

    page.get_by_role("link", name="Invite a person").click()
    page.get_by_role("button", name="Send the invitation").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Email address: enter their work email address")
    expect(summary).to_contain_text("Why they need access: say why, for the audit log")
    assert_accessible(page)

    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("First name").fill("Jo")
    page.get_by_label("Last name").fill("Bright")
    page.get_by_label("Job title (optional)").fill("Recycling Officer")
    page.get_by_label("Where they work (optional)").select_option(
        label="Waste and Recycling (Place)"
    )
    page.get_by_role("group", name="Roles").get_by_label("Data owner").check()
    page.get_by_role("group", name="Units they answer for").get_by_label(
        "Waste and Recycling (Place)"
    ).check()
    page.get_by_label("Why they need access").fill("Joined the waste team in November")
    page.get_by_role("button", name="Send the invitation").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Jo Bright")
    expect(page.get_by_text(f"An invitation was emailed to {EMAIL}.")).to_be_visible()
    expect(page.locator("#roles")).to_have_text("Data owner")
    history = page.locator(".gt-history-entry").first
    expect(history).to_contain_text("Joined the waste team in November")
    assert_accessible(page)

    page.get_by_role("link", name="Change roles and units").click()
    page.get_by_role("group", name="Roles").get_by_label("Approver").check()
    page.get_by_label("Reason").fill("Signs off the recycling figures too")
    page.get_by_role("button", name="Save roles and units").click()
    expect(page.locator("#roles")).to_contain_text("Approver")
    expect(page.get_by_text("Signs off the recycling figures too")).to_be_visible()

    # Jo follows the emailed link in a browser of their own and sets a password.
    [email] = [message for message in mail.outbox if message.to == [EMAIL]]
    link = re.search(r"https?://\S+/welcome/\S+/", email.body).group(0)
    path = link[link.index(reverse("framework:people")) :]
    theirs = browser.new_context(viewport=DESKTOP, locale="en-GB", base_url=live_server.url)
    jo = theirs.new_page()
    jo.goto(live_server.url + path)
    expect(jo.get_by_role("heading", level=1)).to_have_text("Set your password")
    assert_accessible(jo)
    jo.get_by_label("New password").fill(NEW_PASSWORD)
    jo.get_by_label("Confirm your password").fill(NEW_PASSWORD)
    jo.get_by_role("button", name="Set your password").click()
    expect(jo.get_by_text("Your password is set.")).to_be_visible()
    sign_in(jo, live_server, EMAIL, NEW_PASSWORD)
    expect(jo.get_by_role("navigation", name="Menu")).to_contain_text("Your returns")
    theirs.close()

    page.get_by_role("link", name="Deactivate").click()
    page.get_by_label("Reason").fill("Moved to another council")
    page.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_text("Jo Bright was deactivated.")).to_be_visible()
    expect(page.locator("#account")).to_contain_text("Deactivated")
    expect(page.locator(".gt-history-entry").first).to_contain_text("Moved to another council")
    assert_accessible(page)
