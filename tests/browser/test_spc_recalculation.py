"""The performance team recalculates an indicator's SPC limits from the indicator page, where
the page suggests it after a shift, and the two-phase chart reads well and passes axe."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from indicators import recalculation
from indicators.models import SpcRecalculation
from organisation.models import User
from tests.browser.conftest import DEMO_PASSWORD, assert_accessible, sign_in

pytestmark = pytest.mark.browser

REASON = "A surge in homelessness from January 2025 raised the level for good"


def test_the_team_recalculates_the_limits_where_the_page_suggests(
    page, live_server, demo_council, browser_errors
):
    browser_errors.allow(r"status of 400 \(Bad Request\)")  # a form with errors answers 400
    # The demo already recalculates HOU-01 from its step change: take that back first, so the
    # page has a shift to suggest.
    team = User.objects.get(username="performance")
    for point in SpcRecalculation.objects.filter(indicator__code="HOU-01"):
        recalculation.remove_recalculation(recalculation=point, reason="Set again", by=team)

    sign_in(page, live_server, "performance", DEMO_PASSWORD)
    page.goto(live_server.url + reverse("scorecards:indicator", args=["HOU-01"]))
    suggestion = page.locator(".gt-recalculation-suggestion")
    expect(suggestion).to_contain_text("The process seems to have changed from January 2025")

    suggestion.get_by_role("link", name="Recalculate the limits from January 2025").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recalculate the SPC limits")
    expect(page.get_by_label("Recalculate the limits from")).to_have_value("2025-01")
    assert_accessible(page)

    # Without a reason: an error that names the field, and nothing set.
    page.get_by_role("button", name="Recalculate from this period").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(recalculation.REASON_REQUIRED)
    assert not SpcRecalculation.objects.filter(
        indicator__code="HOU-01", removed_at__isnull=True
    ).exists()

    page.get_by_label("What changed in the process").fill(REASON)
    page.get_by_role("button", name="Recalculate from this period").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Households in temporary accommodation"
    )
    expect(
        page.get_by_text("The SPC limits of HOU-01 are recalculated from January 2025")
    ).to_be_visible()
    expect(
        page.get_by_role("listitem").filter(
            has_text=f"Limits recalculated from January 2025: {REASON}"
        )
    ).to_be_visible()
    expect(page.locator(".gt-recalculation-suggestion")).to_have_count(0)
    chart = page.locator("figure.gt-chart").first
    # The drawing shown (a chart is drawn for wide and for narrow boxes; one is displayed).
    expect(chart.locator(".gt-recalculation:visible")).to_have_count(1)
    expect(chart.locator(".gt-phase--earlier:visible")).to_have_count(1)
    expect(chart.locator(".gt-chart__description")).to_contain_text(
        f"The limits were recalculated from January 2025: {REASON}"
    )
    chart.get_by_text("Show the data as a table").click()
    expect(chart.get_by_role("columnheader", name="Phase")).to_be_visible()
    expect(chart.get_by_role("cell", name="Phase 2, from January 2025").first).to_be_visible()
    assert_accessible(page)

    point = SpcRecalculation.objects.get(indicator__code="HOU-01", removed_at__isnull=True)
    assert (point.period.code, point.reason, point.set_by) == ("2025-01", REASON, team)
