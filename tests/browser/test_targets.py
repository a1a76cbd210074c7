"""Setting a year's targets in Chromium, every page checked by axe: the performance team sets
two of the demo's Waste indicators' 2027/28 targets (one mistake first), proposes them; the
Director of Place agrees one and returns the other with a reason."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from targets.models import TargetState, YearTarget
from tests.browser.conftest import DEMO_PASSWORD, assert_accessible, sign_in

pytestmark = pytest.mark.browser

YEAR = "2027-28"
RETURN_REASON = "Residual waste should fall faster with the new food waste rounds"


def test_the_team_sets_targets_and_the_director_agrees_or_returns_them(
    page, live_server, demo_council, browser_errors
):
    browser_errors.allow(r"status of 400 \(Bad Request\)")  # a form with errors answers 400
    sign_in(page, live_server, "performance", DEMO_PASSWORD)
    page.goto(live_server.url + reverse("framework:home"))
    page.get_by_role("link", name="Targets", exact=True).click()
    page.get_by_role("link", name="Targets for 2027/28").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Targets for 2027/28")
    recycling = page.locator("#row-WST-01")
    expect(recycling).to_contain_text("%")  # last year's outturn, as shown
    expect(recycling).to_contain_text(" to ")  # the process limits
    assert_accessible(page)

    page.get_by_label("Choose WST-01").check()
    page.get_by_label("Choose WST-02").check()
    page.get_by_role("button", name="Set targets for the chosen indicators").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set targets")
    page.get_by_label("WST-01 annual target").fill("57")
    page.get_by_label("Seasonal").check()
    page.get_by_role("button", name="Save as drafts").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("WST-02: Enter the annual target")
    assert_accessible(page)
    assert not YearTarget.objects.exists()

    page.get_by_label("WST-02 annual target").fill("420")
    page.get_by_role("button", name="Save as drafts").click()
    expect(page.get_by_text("Targets set for 2 indicators as drafts")).to_be_visible()
    expect(page.locator("#row-WST-02")).to_contain_text("Seasonal")

    page.get_by_label("Choose WST-01").check()
    page.get_by_label("Choose WST-02").check()
    page.get_by_role("button", name="Propose the chosen for agreement").click()
    expect(page.get_by_text("Targets of 2 indicators proposed for agreement")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, live_server, "director", DEMO_PASSWORD)
    page.goto(live_server.url + reverse("targets:year", args=[YEAR]))
    expect(page.get_by_text("2 awaiting agreement")).to_be_visible()
    page.get_by_label("Choose WST-01").check()
    page.get_by_role("button", name="Agree the chosen targets").click()
    expect(
        page.get_by_text("Targets of 1 indicator agreed: they now judge figures")
    ).to_be_visible()

    page.get_by_label("Choose WST-02").check()
    page.get_by_role("button", name="Return the chosen for revision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Return targets for revision")
    assert_accessible(page)
    page.get_by_label("What should change").fill(RETURN_REASON)
    page.get_by_role("button", name="Return for revision").click()
    expect(page.locator("#row-WST-02")).to_contain_text("Returned for revision")
    expect(page.locator("#row-WST-02")).to_contain_text(RETURN_REASON)
    assert_accessible(page)

    page.locator("#row-WST-01").get_by_role("link").click()
    expect(page.locator("#period-targets tbody tr")).to_have_count(12)
    expect(page.locator("#history")).to_contain_text("Agreed by")
    assert_accessible(page)

    states = dict(YearTarget.objects.values_list("indicator__code", "state"))
    assert states == {"WST-01": TargetState.AGREED, "WST-02": TargetState.RETURNED}
