"""The performance team adds an indicator, approves it, changes its definition as a new version,
moves it to another service and retires it, on pages that pass axe at desktop width and at
375 px."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from indicators.models import Indicator, Lifecycle
from organisation.models import OrgUnit
from tests.browser.conftest import DEMO_PASSWORD, assert_accessible, sign_in

pytestmark = pytest.mark.browser


def test_the_team_adds_changes_moves_and_retires_an_indicator(
    page, live_server, demo_council, browser_errors
):
    browser_errors.allow(r"status of 400 \(Bad Request\)")  # a form with errors answers 400
    libraries = OrgUnit.objects.get(code="libraries")
    customer_services = OrgUnit.objects.get(code="customer-services")

    sign_in(page, live_server, "performance", DEMO_PASSWORD)
    page.goto(live_server.url + reverse("framework:home"))
    page.get_by_role("link", name="Indicators", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Indicators")
    expect(page.locator("#indicators tbody tr").first).to_be_visible()
    assert_accessible(page)

    # Added with nothing filled in: each mistake named, linked to its field.
    page.get_by_role("button", name="Add an indicator").click()
    page.get_by_role("button", name="Add the indicator").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the indicator's code, like WST-01")
    expect(summary).to_contain_text("Choose the service that owns the indicator")
    assert_accessible(page)

    page.get_by_label("Code", exact=True).fill("LIB-09")
    page.get_by_label("Title", exact=True).fill("Library e-book loans")
    page.get_by_label("Definition", exact=True).fill("E-books and e-audiobooks borrowed")
    page.get_by_label("Unit", exact=True).fill("loans")
    page.get_by_label("Decimal places", exact=True).fill("0")
    page.get_by_label("Higher is better", exact=True).check()
    page.get_by_label("Output", exact=True).check()
    page.get_by_label("Quarterly", exact=True).check()
    page.get_by_label("Sum", exact=True).check()
    page.get_by_label("Service that owns it").select_option(str(libraries.pk))
    page.get_by_label("Operational", exact=True).check()
    page.get_by_label("Proposed", exact=True).check()
    page.get_by_label("Definition takes effect from").fill("2026-04-01")
    page.get_by_label("Why is it being added?").fill("Agreed at the September service review")
    page.get_by_role("button", name="Add the indicator").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Library e-book loans")
    expect(page.locator(".govuk-notification-banner").first).to_contain_text(
        "LIB-09 Library e-book loans was added"
    )
    expect(page.locator("#version-1")).to_contain_text("Agreed at the September service review")
    assert_accessible(page)

    # Approved, with a reason: no new version.
    page.get_by_role("link", name="Change the status or responsible officer").click()
    page.get_by_label("Approved", exact=True).check()
    page.get_by_label("Why is this changing?").fill("Agreed by the leadership team")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Approved")
    expect(page.locator("#versions tbody tr")).to_have_count(1)

    # A changed definition: a new version from its date, with what changed.
    page.get_by_role("link", name="Change the definition").click()
    page.get_by_label("Decimal places", exact=True).fill("1")
    page.get_by_label("The changed definition takes effect from").fill("2026-10-01")
    page.get_by_label("Why is the definition changing?").fill("Loans are now averaged")
    page.get_by_role("button", name="Save as a new version").click()
    version_2 = page.locator("#version-2")
    expect(version_2).to_contain_text("Loans are now averaged")
    expect(version_2).to_contain_text("Decimal places was 0, now 1")
    assert_accessible(page)

    # A move to another service, from a date.
    page.get_by_role("link", name="Move to another service").click()
    page.get_by_label("Service that will own it").select_option(str(customer_services.pk))
    page.get_by_label("The move takes effect from").fill("2026-10-01")
    page.get_by_label("Why is it moving?").fill("E-books joined the digital offer")
    page.get_by_role("button", name="Move the indicator").click()
    expect(page.locator("#version-3")).to_contain_text("Customer Services")
    expect(page.locator("#places")).to_contain_text("Customer Services")

    # Retired after its last period, never deleted.
    page.get_by_role("link", name="Retire the indicator").click()
    assert_accessible(page)
    page.get_by_role("button", name="Retire the indicator").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose the last period the indicator is reported for"
    )
    page.get_by_label("Last period it is reported for").select_option(
        label="Q3 2026/27 (1 October 2026 to 31 December 2026)"
    )
    page.get_by_label("Why is it being retired?").fill("Replaced by a regional measure")
    page.get_by_role("button", name="Retire the indicator").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Retired")
    expect(page.get_by_text("Retired: last reported for Q3 2026/27.")).to_be_visible()
    assert_accessible(page)

    made = Indicator.objects.get(code="LIB-09")
    assert (made.lifecycle, made.version, made.owner) == (Lifecycle.RETIRED, 4, customer_services)
    assert [v.number for v in made.versions.order_by("number")] == [1, 2, 3, 4]
