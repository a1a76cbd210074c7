"""The performance team manages the framework's structure in the product: reorders and renames
an ambition with a reason, sees why an outcome with indicators is kept, moves a committee
meeting with a reason, and adds a reminder step after a refused one; each page passes axe."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from framework import reminder_rules, structure
from returns.models import Audience, Deadline, ReminderRule
from strategy.models import Ambition, Meeting, Outcome
from tests.browser.conftest import DEMO_PASSWORD, assert_accessible, sign_in

pytestmark = pytest.mark.browser

RENAME_REASON = "Cabinet renamed the ambition when it refreshed the plan"
MOVE_REASON = "The chamber is needed for a by-election count"


def test_the_team_manages_ambitions_committee_meetings_and_reminders(
    page, live_server, demo_council, browser_errors
):
    browser_errors.allow(r"status of 400 \(Bad Request\)")  # a form with errors answers 400
    sign_in(page, live_server, "performance", DEMO_PASSWORD)

    # The tree, from the framework's front page.
    page.goto(live_server.url + reverse("framework:home"))
    page.get_by_role("link", name="Plans, ambitions and outcomes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plans, ambitions and outcomes")
    assert_accessible(page)

    homes = Ambition.objects.get(code="homes")
    page.get_by_role("button", name=f"Move up the ambition {homes.title}").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"“{homes.title}” was moved up."
    )
    first = Ambition.objects.filter(plan=homes.plan).order_by("order").first()
    assert first == homes

    # Renaming an ambition needs a reason; its history then shows it.
    page.get_by_role("link", name="A greener Wyvern Vale", exact=True).click()
    page.get_by_label("Title").fill("A greener, cleaner Wyvern Vale")
    page.get_by_role("button", name="Save the changes").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(structure.REASON_REQUIRED)
    assert Ambition.objects.get(code="greener").title == "A greener Wyvern Vale"
    assert_accessible(page)

    page.get_by_label("Reason for the change").fill(RENAME_REASON)
    page.get_by_role("button", name="Save the changes").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "The ambition “A greener, cleaner Wyvern Vale” was changed."
    )
    history = page.locator(".gt-history-entry").first
    expect(history).to_contain_text(RENAME_REASON)
    expect(history.get_by_role("cell", name="A greener Wyvern Vale", exact=True)).to_be_visible()
    assert_accessible(page)

    # An outcome with indicators is kept, and the page says why.
    outcome = Outcome.objects.get(code="less-waste")
    page.goto(live_server.url + reverse("framework:outcome_remove", args=[outcome.pk]))
    expect(page.locator("#dependents")).to_contain_text("the indicators keep it")
    expect(page.get_by_role("button", name="Remove it")).to_have_count(0)

    # A committee's meeting moves a week later, with a reason kept in its history.
    meeting = (
        Meeting.objects.filter(committee__code="place-scrutiny", starts_at__gt=timezone.now())
        .order_by("-starts_at")
        .first()
    ) or Meeting.objects.filter(committee__code="place-scrutiny").order_by("-starts_at").first()
    later = timezone.localtime(meeting.starts_at) + datetime.timedelta(days=7)
    page.goto(live_server.url + reverse("framework:committees"))
    page.get_by_role("link", name="Place Scrutiny Committee").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Place Scrutiny Committee")
    assert_accessible(page)
    shown = timezone.localtime(meeting.starts_at).strftime("%-d %B %Y, %H:%M")
    page.get_by_role("link", name=shown).click()
    page.get_by_label("Date", exact=True).fill(later.date().isoformat())
    page.get_by_label("Reason for the change").fill(MOVE_REASON)
    page.get_by_role("button", name="Save the changes").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "The meeting of Place Scrutiny Committee was changed."
    )
    expect(page.locator(".gt-history-entry").first).to_contain_text(MOVE_REASON)
    meeting.refresh_from_db()
    assert meeting.starts_at == later
    assert_accessible(page)

    # A reminder step repeating every 0 days is refused, naming the field; then added.
    page.goto(live_server.url + reverse("framework:reminder_rules"))
    page.get_by_role("button", name="Add a step").click()
    page.get_by_label("Approvers and head of the service").check()
    page.get_by_label("Sign-off deadline").check()
    page.get_by_label("After", exact=True).check()
    page.locator("#id_days").fill("3")
    page.locator("#id_repeat_every_days").fill("0")
    page.get_by_role("button", name="Add the step").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(reminder_rules.REPEAT_OUT_OF_RANGE)
    assert_accessible(page)
    page.locator("#id_repeat_every_days").fill("7")
    page.get_by_role("button", name="Add the step").click()
    expect(page.locator("#reminder-rules")).to_contain_text(
        "Approvers and head of the service, 3 days after the sign-off deadline, then every 7 days"
    )
    assert ReminderRule.objects.filter(
        deadline=Deadline.SIGNOFF, days_after=3, audience=Audience.MANAGER, repeat_every_days=7
    ).exists()
    assert_accessible(page)
