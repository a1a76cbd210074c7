"""Signing in, reading the organisation scorecard and signing out, in Chromium, checked by axe."""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from organisation.tests.factories import UserFactory
from tests.browser.conftest import DEMO_PASSWORD, assert_accessible, sign_in

pytestmark = pytest.mark.browser

RAG_LABELS = {"Green", "Amber", "Red", "Data only", "Pending", "Missing"}
README_SCREENSHOT = Path(settings.BASE_DIR) / "docs" / "screenshots" / "scorecard.png"

STATUS_COLUMN = """() => [...document.querySelectorAll('main table')].flatMap(table => {
    const headers = [...table.tHead.rows[0].cells].map(cell => cell.textContent.trim());
    const status = headers.indexOf('Status');
    return [...table.tBodies[0].rows].map(row => row.cells[status].textContent.trim());
})"""


def heading(page):
    return page.get_by_role("heading", level=1)


def test_a_councillor_signs_in_and_reads_the_organisation_scorecard(
    page, live_server, demo_council
):
    sign_in(page, live_server, "councillor", DEMO_PASSWORD)

    expect(page).to_have_url(re.compile(re.escape(reverse("scorecards:organisation")) + "$"))
    expect(heading(page)).to_have_text("Organisation scorecard: Q2 2026/27")
    ambitions = page.locator("main section").get_by_role("heading", level=2)
    assert ambitions.count() >= 5, ambitions.all_inner_texts()
    statuses = page.evaluate(STATUS_COLUMN)
    assert statuses and set(statuses) <= RAG_LABELS, statuses
    assert {"Green", "Amber", "Red"} <= set(statuses), statuses
    # A councillor is not staff: no way into the admin.
    expect(page.get_by_role("link", name="Admin")).to_have_count(0)
    # The demo's latest figures include provisional ones: marked in words, explained once.
    markers = page.locator("main .gt-data-quality")
    assert "Provisional" in markers.all_inner_texts()
    expect(page.locator("#data-quality-note")).to_contain_text(
        "Provisional: may change when final data are available."
    )
    assert_accessible(page)

    if os.environ.get("GOLDEN_THREAD_SCREENSHOTS") == "1":
        save_readme_screenshot(page)

    # The page of a provisional figure marks it, and the period in its history, and passes too.
    marked = markers.filter(has_text="Provisional").first.locator("xpath=ancestor::tr")
    marked.get_by_role("link").first.click()
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Provisional")
    history = page.get_by_role("region", name=re.compile("^Every period of"))
    expect(history.locator(".gt-data-quality").first).to_have_text("Provisional")
    expect(page.locator("#data-quality-note")).to_have_count(1)
    assert_accessible(page)


def save_readme_screenshot(page) -> None:
    """The top of the scorecard at desktop width: the summary and the first ambition's table."""
    README_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    height = min(1400, page.evaluate("document.documentElement.scrollHeight"))
    clip = {"x": 0, "y": 0, "width": page.viewport_size["width"], "height": height}
    page.screenshot(path=README_SCREENSHOT, full_page=True, clip=clip)


def test_the_sign_in_page_and_its_error_state_are_accessible(page, live_server):
    UserFactory(username="amira", password="correct horse battery staple")
    page.goto(live_server.url + reverse("login"))
    expect(heading(page)).to_have_text("Sign in")
    assert_accessible(page)

    page.get_by_label("Username", exact=True).fill("amira")
    page.get_by_label("Password", exact=True).fill("not her password")
    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_visible()
    # GOV.UK Frontend moves focus to the summary, so screen readers announce it first.
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Username", exact=True)).to_be_focused()
    assert_accessible(page)


def test_the_scorecard_works_by_keyboard_alone(page, live_server, demo_council):
    sign_in(page, live_server, "councillor", DEMO_PASSWORD)

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()

    quarter = page.get_by_label("Quarter", exact=True)
    tab_until_focused(page, quarter)
    for _ in range(8):
        if quarter.evaluate("select => select.selectedOptions[0].text") == "Q1 2026/27":
            break
        page.keyboard.press("ArrowDown")
    expect(quarter).to_have_value("2026-27-Q1")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Show quarter")).to_be_focused()
    page.keyboard.press("Enter")

    expect(heading(page)).to_have_text("Organisation scorecard: Q1 2026/27")
    expect(page).to_have_url(re.compile(r"\?period=2026-27-Q1(#main-content)?$"))


def tab_until_focused(page, locator, *, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{limit} presses of Tab did not reach {locator}")


def test_signing_out_returns_to_sign_in_and_closes_the_scorecard(page, live_server, demo_council):
    sign_in(page, live_server, "councillor", DEMO_PASSWORD)
    expect(heading(page)).to_contain_text("Organisation scorecard")

    page.get_by_role("button", name="Sign out").click()

    expect(heading(page)).to_have_text("Sign in")
    page.goto(live_server.url + reverse("scorecards:organisation"))
    expect(page).to_have_url(re.compile(re.escape(reverse("login")) + r"\?next="))
    expect(heading(page)).to_have_text("Sign in")


def test_the_performance_team_reaches_the_admin_from_the_header(page, live_server, demo_council):
    sign_in(page, live_server, "performance", DEMO_PASSWORD)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Admin").click()

    # Django's own admin: not ours to check with axe.
    expect(page).to_have_url(re.compile(re.escape(reverse("admin:index")) + "$"))
    expect(page).to_have_title(re.compile("Framework configuration"))


def test_page_not_found_is_accessible(page, live_server, browser_errors):
    browser_errors.allow(r"status of 404 \(Not Found\)")

    response = page.goto(live_server.url + "/no-such-page/")

    assert response.status == 404
    expect(heading(page)).to_have_text("Page not found")
    assert_accessible(page)
