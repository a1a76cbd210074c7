"""A reporting cycle from start to finish in Chromium, every page checked by axe.

An officer fills a return with a Red figure and its commentary, attaches evidence and submits;
the approver returns one figure with a reason and signs off the other; the officer corrects and
resubmits; the approver signs it off; the performance team sees the cycle complete and how long
it took. Then the same correction on the demo council, as its data owner finds it.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db.models import Max
from django.utils import timezone
from playwright.sync_api import expect

from indicators.models import CycleState, Indicator, Period, ReportingCycle, Target, Value
from indicators.periods import ensure_periods
from indicators.tests.factories import IndicatorFactory, ReportingCycleFactory
from organisation.models import OrgUnit, Role
from organisation.tests.factories import (
    CouncilFactory,
    DirectorateFactory,
    OrgUnitFactory,
    UserFactory,
)
from scorecards.tests.builders import Returns
from tests.browser.conftest import DEMO_PASSWORD, assert_accessible, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
QUARTER = "2026-27-Q2"  # 1 July to 30 September 2026; "today" is 24 November 2026
PERIOD_END = datetime.date(2026, 9, 30)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
RETURN_REASON = "The figure leaves out the garden waste rounds: add them and resubmit."


@dataclass
class Town:
    cycle: ReportingCycle
    waste: OrgUnit
    parks: OrgUnit
    recycling: Indicator
    missed_bins: Indicator


@pytest.fixture
def town(demo_today, transactional_db, django_db_serialized_rollback) -> Town:
    """A small council with an open Q2 2026/27 cycle, due 27 November (so nothing is late).

    Waste and Recycling owes two figures: WST-01 Household waste recycled (%, higher is
    better, target 50%, last quarter 47%) and WST-02 Missed bins (a number, no target: data
    only). Parks and Open Spaces has already had its one figure signed off. Olu Adeyemi enters
    Waste's figures, Asha Patel signs them off, Priya Shah is the performance team.
    """
    ensure_periods(first_year=2025, last_year=2026)
    council = CouncilFactory()
    place = DirectorateFactory(council=council, name="Place", code="place")
    waste = OrgUnitFactory(council=council, parent=place, name="Waste and Recycling", code="waste")
    parks = OrgUnitFactory(
        council=council, parent=place, name="Parks and Open Spaces", code="parks"
    )
    quarter = Period.objects.get(code=QUARTER)
    cycle = ReportingCycleFactory(
        period=quarter,
        state=CycleState.OPEN,
        data_entry_deadline=datetime.date(2026, 11, 27),
        signoff_deadline=datetime.date(2026, 12, 4),
    )
    recycling = IndicatorFactory(code="WST-01", title="Household waste recycled", owner=waste)
    Target.objects.create(indicator=recycling, period=quarter, value=Decimal("50"))
    missed_bins = IndicatorFactory(
        code="WST-02",
        title="Missed bins per 100,000 collections",
        owner=waste,
        unit="number",
        precision=0,
        polarity="lower_is_better",
    )
    green_flags = IndicatorFactory(code="PRK-01", title="Parks with a Green Flag", owner=parks)
    history = Returns()
    history.series(recycling, ["2025-26-Q4", "2026-27-Q1"], ["46", "47"])
    history.signed_off(green_flags, QUARTER, "80")

    UserFactory(
        username="olu",
        first_name="Olu",
        last_name="Adeyemi",
        password=PASSWORD,
        roles=[Role.DATA_OWNER],
        units=[waste],
    )
    UserFactory(
        username="asha",
        first_name="Asha",
        last_name="Patel",
        password=PASSWORD,
        roles=[Role.APPROVER],
        units=[waste],
    )
    UserFactory(
        username="priya",
        first_name="Priya",
        last_name="Shah",
        password=PASSWORD,
        roles=[Role.PERFORMANCE_TEAM],
    )
    return Town(cycle, waste, parks, recycling, missed_bins)


# --- finding things on the page as a person would -------------------------------------------


def heading(page):
    return page.get_by_role("heading", level=1)


def menu(page):
    return page.get_by_role("navigation", name="Menu")


def card(page, title: str):
    """A figure's summary card on a return or sign-off page, by its indicator's title."""
    return page.locator(".govuk-summary-card").filter(
        has=page.get_by_role("heading", level=2, name=title)
    )


def error_summary(page):
    return page.get_by_role("alert").filter(has_text="There is a problem")


def success_banner(page):
    return page.get_by_role("alert").filter(has_text="Success")


def task(page, service: str):
    """A service's row in "Your returns"."""
    return page.locator(".govuk-task-list__item").filter(
        has=page.get_by_role("link", name=service, exact=True)
    )


def summary_row(scope, key: str):
    """The value of a GOV.UK summary list row, by its key, on a page or in a card."""
    page = getattr(scope, "page", scope)  # a `has` locator must start from the page
    exact_key = page.locator(".govuk-summary-list__key", has_text=re.compile(f"^{re.escape(key)}$"))
    return scope.locator(".govuk-summary-list__row", has=exact_key).locator(
        ".govuk-summary-list__value"
    )


def service_and_period(service: str, period: str) -> re.Pattern:
    """A sign-off link's name: the service, then the period, visually hidden, for screen
    readers. (Playwright's selector wants the regular expression's slashes escaped.)"""
    return re.compile(f"^{re.escape(service)}.+{re.escape(period)}$".replace("/", r"\/"))


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(heading(page)).to_have_text("Sign in")


def open_sign_off(page, service: str, period: str) -> None:
    menu(page).get_by_role("link", name="Sign-off").click()
    expect(heading(page)).to_have_text("Figures to sign off")
    page.get_by_role("link", name=service_and_period(service, period)).click()
    expect(heading(page)).to_have_text(service)


# --- the journey ----------------------------------------------------------------------------


def test_a_return_goes_round_the_whole_reporting_cycle(
    page, live_server, town, tmp_path, browser_errors
):
    browser_errors.allow(r"status of 400 \(Bad Request\)")  # forms with errors answer 400
    officer_submits_a_return_with_a_red_figure_and_evidence(page, live_server, tmp_path)
    approver_returns_one_figure_and_signs_off_the_other(page, live_server)
    officer_corrects_the_returned_figure(page, live_server)
    approver_signs_off_the_correction(page, live_server)
    performance_team_sees_the_cycle_complete(page, live_server)
    performance_team_imports_a_bad_csv(page, live_server, tmp_path)
    performance_team_closes_the_cycle(page)


def officer_submits_a_return_with_a_red_figure_and_evidence(page, live_server, tmp_path):
    sign_in(page, live_server, "olu", PASSWORD)
    menu(page).get_by_role("link", name="Your returns").click()

    expect(heading(page)).to_have_text("Your returns")
    expect(page.get_by_role("heading", level=2, name="Q2 2026/27")).to_be_visible()
    expect(task(page, "Waste and Recycling")).to_contain_text("Not started")
    expect(page.get_by_role("link", name="Parks and Open Spaces")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Waste and Recycling", exact=True).click()
    expect(heading(page)).to_have_text("Waste and Recycling")
    assert_accessible(page)

    # The spreadsheet route exists beside the form; look at its upload page, then come back.
    page.get_by_role("link", name="Upload a completed spreadsheet").click()
    expect(heading(page)).to_have_text("Upload a completed spreadsheet")
    assert_accessible(page)
    page.get_by_role("button", name="Upload and check").click()
    expect(page).to_have_title(re.compile(r"^Error: Upload a completed spreadsheet"))
    expect(error_summary(page)).to_contain_text("Select the completed spreadsheet")
    assert_accessible(page)
    page.get_by_role("link", name="Back to the return").click()
    expect(heading(page)).to_have_text("Waste and Recycling")

    recycling = card(page, "Household waste recycled")
    bins = card(page, "Missed bins per 100,000 collections")
    expect(summary_row(recycling, "Last period")).to_have_text("Q1 2026/27: 47.0%")
    expect(summary_row(recycling, "Target")).to_contain_text("50")
    recycling.get_by_label("Figure (%)").fill("38")
    # The status it would get shows as it is typed, before anything is saved.
    status = summary_row(recycling, "Status of this figure").locator(".govuk-tag")
    expect(status).to_have_text("Red")
    recycling.get_by_label("Figure (%)").fill("52")
    expect(status).to_have_text("Green")
    recycling.get_by_label("Figure (%)").fill("38")
    expect(status).to_have_text("Red")
    bins.get_by_label("Figure (number)").fill("62")
    page.get_by_role("button", name="Submit return for sign-off").click()

    # 38% against a target of 50% is Red, and a Red figure needs commentary.
    expect(page).to_have_title(re.compile(r"^Error: Waste and Recycling, Q2 2026/27"))
    summary = error_summary(page)
    expect(page.locator(".govuk-error-summary")).to_be_focused()  # announced first
    problem = summary.get_by_role("link", name=re.compile(r"^Household waste recycled is Red"))
    expect(problem).to_have_count(1)
    expect(summary.get_by_role("listitem")).to_have_count(1)
    expect(recycling.get_by_label("Figure (%)")).to_have_value("38")
    assert_accessible(page)

    problem.click()
    commentary = recycling.get_by_label("What the figure shows")
    expect(commentary).to_be_focused()
    commentary.fill("Recycling fell after the materials recovery facility closed for six weeks.")
    recycling.get_by_label("What is being done").fill("Loads go to Exeter until it reopens.")
    # Evidence for the Red figure, chosen on the return form itself.
    pdf = tmp_path / "mrf-closure-tonnages.pdf"
    pdf.write_bytes(PDF)
    recycling.get_by_text("Attach evidence for Household waste recycled").click()
    recycling.get_by_label("Attach evidence (optional)").set_input_files(pdf)
    recycling.get_by_label("What the file shows (optional)").fill("Tonnages sent to Exeter, August")
    assert_accessible(page)
    page.get_by_role("button", name="Submit return for sign-off").click()

    expect(heading(page)).to_have_text("Your returns")
    expect(success_banner(page)).to_contain_text(
        "Waste and Recycling's return for Q2 2026/27 was submitted for sign-off."
    )
    expect(task(page, "Waste and Recycling")).to_contain_text("Submitted")
    assert_accessible(page)

    # The evidence is kept with the figure; more can be added on the figure's own page.
    page.get_by_role("link", name="Waste and Recycling", exact=True).click()
    expect(card(page, "Household waste recycled").locator(".govuk-tag").first).to_have_text(
        "Submitted"
    )
    page.get_by_role("link", name="History and evidence for Household waste recycled").click()
    expect(heading(page)).to_have_text("Household waste recycled")
    evidence = page.get_by_role("link", name="mrf-closure-tonnages.pdf")
    expect(page.get_by_role("listitem").filter(has=evidence)).to_contain_text(
        "Tonnages sent to Exeter, August, added by Olu Adeyemi"
    )
    assert_accessible(page)

    receipts = tmp_path / "exeter-gate-receipts.pdf"
    receipts.write_bytes(PDF)
    page.get_by_label("Upload a file").set_input_files(receipts)
    page.get_by_label("What the file shows").fill("Gate receipts from Exeter")
    page.get_by_role("button", name="Attach evidence").click()

    expect(success_banner(page)).to_contain_text("The evidence was attached.")
    expect(page.get_by_role("link", name="exeter-gate-receipts.pdf")).to_be_visible()
    expect(evidence).to_be_visible()
    history = page.get_by_role("table", name="Every change to this figure, oldest first")
    expect(history.get_by_role("row")).to_have_count(3)  # header, recorded, submitted
    assert_accessible(page)
    sign_out(page)


def approver_returns_one_figure_and_signs_off_the_other(page, live_server):
    sign_in(page, live_server, "asha", PASSWORD)
    menu(page).get_by_role("link", name="Sign-off").click()
    expect(heading(page)).to_have_text("Figures to sign off")
    waiting = page.get_by_role("table", name="Returns waiting for sign-off")
    expect(waiting.get_by_role("row").filter(has_text="Waste and Recycling")).to_contain_text("2")
    assert_accessible(page)

    page.get_by_role("link", name=service_and_period("Waste and Recycling", "Q2 2026/27")).click()
    expect(heading(page)).to_have_text("Waste and Recycling")
    recycling = card(page, "Household waste recycled")
    bins = card(page, "Missed bins per 100,000 collections")
    expect(summary_row(recycling, "Commentary")).to_contain_text("materials recovery facility")
    evidence = summary_row(recycling, "Evidence").get_by_role("link")
    expect(evidence).to_have_text(["mrf-closure-tonnages.pdf", "exeter-gate-receipts.pdf"])
    expect(summary_row(bins, "Figure")).to_have_text("62")
    assert_accessible(page)

    # Returning a figure without saying why is refused.
    recycling.get_by_label("Sign off").check()
    bins.get_by_label("Return for correction").check()
    page.get_by_role("button", name="Save decisions").click()

    expect(page).to_have_title(re.compile(r"^Error: Sign off Waste and Recycling"))
    problem = error_summary(page).get_by_role(
        "link", name=re.compile(r"^Missed bins per 100,000 collections: say why")
    )
    expect(problem).to_be_visible()
    assert_accessible(page)
    problem.click()
    reason = bins.get_by_label("Why it is being returned")
    expect(reason).to_be_focused()
    reason.fill(RETURN_REASON)
    expect(recycling.get_by_label("Sign off")).to_be_checked()
    page.get_by_role("button", name="Save decisions").click()

    expect(heading(page)).to_have_text("Figures to sign off")
    expect(success_banner(page)).to_contain_text("1 signed off, 1 returned for correction.")
    expect(page.get_by_text("Nothing is waiting for you")).to_be_visible()
    assert_accessible(page)
    sign_out(page)


def officer_corrects_the_returned_figure(page, live_server):
    sign_in(page, live_server, "olu", PASSWORD)
    menu(page).get_by_role("link", name="Your returns").click()
    expect(task(page, "Waste and Recycling")).to_contain_text("Returned for correction")

    page.get_by_role("link", name="Waste and Recycling", exact=True).click()
    recycling = card(page, "Household waste recycled")
    bins = card(page, "Missed bins per 100,000 collections")
    expect(recycling.get_by_text("This figure is signed off")).to_be_visible()
    expect(recycling.get_by_role("textbox")).to_have_count(0)
    expect(bins.locator(".govuk-inset-text")).to_have_text(
        f"Returned by Asha Patel: {RETURN_REASON}"
    )
    assert_accessible(page)

    bins.get_by_label("Figure (number)").fill("71")
    bins.get_by_label("What the figure shows").fill("Now includes the garden waste rounds.")
    page.get_by_role("button", name="Submit return for sign-off").click()

    expect(success_banner(page)).to_contain_text("was submitted for sign-off")
    expect(task(page, "Waste and Recycling")).to_contain_text("Submitted")
    sign_out(page)


def approver_signs_off_the_correction(page, live_server):
    sign_in(page, live_server, "asha", PASSWORD)
    open_sign_off(page, "Waste and Recycling", "Q2 2026/27")
    expect(card(page, "Household waste recycled")).to_have_count(0)  # signed off already
    bins = card(page, "Missed bins per 100,000 collections")
    expect(summary_row(bins, "Figure")).to_have_text("71")
    expect(summary_row(bins, "Commentary")).to_contain_text("garden waste rounds")

    bins.get_by_label("Sign off").check()
    page.get_by_role("button", name="Save decisions").click()

    expect(success_banner(page)).to_contain_text("1 signed off, 0 returned for correction.")
    sign_out(page)


def performance_team_sees_the_cycle_complete(page, live_server):
    sign_in(page, live_server, "priya", PASSWORD)
    menu(page).get_by_role("link", name="Reporting cycles").click()
    expect(heading(page)).to_have_text("Reporting cycles")
    cycles = page.get_by_role("table", name="Open, planned and recent cycles")
    expect(cycles.get_by_role("row").filter(has_text="Q2 2026/27")).to_contain_text(
        "3 of 3 figures signed off"
    )
    assert_accessible(page)

    page.get_by_role("button", name="Plan a reporting cycle").click()
    expect(heading(page)).to_have_text("Plan a reporting cycle")
    assert_accessible(page)
    page.get_by_role("link", name="Back to reporting cycles").click()

    page.get_by_role("link", name=re.compile(r"^Q2 2026\/27\W+returns and chasing$")).click()
    expect(heading(page)).to_contain_text("Q2 2026/27")
    expect(page.get_by_text("3 of 3 figures signed off.")).to_be_visible()
    returns = page.get_by_role("table", name="Every service's return for Q2 2026/27")
    rows = returns.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.locator("td:nth-child(3)")).to_have_text(["Signed off", "Signed off"])
    expect(rows.locator("th")).to_have_text(["Parks and Open Spaces", "Waste and Recycling"])

    last = Value.objects.filter(period__code=QUARTER).aggregate(last=Max("approved_at"))["last"]
    signed_off_on = timezone.localtime(last).date()
    days = (signed_off_on - PERIOD_END).days
    expect(summary_row(page, "To the latest sign-off")).to_have_text(
        f"{days} day{'s' if days != 1 else ''} ({signed_off_on:%-d %B %Y})"
    )
    assert_accessible(page)


def performance_team_imports_a_bad_csv(page, live_server, tmp_path):
    menu(page).get_by_role("link", name="Reporting cycles").click()
    page.get_by_role("button", name="Import figures from a CSV file").click()
    expect(heading(page)).to_have_text("Import figures from a CSV file")
    assert_accessible(page)

    bad = tmp_path / "figures.csv"
    bad.write_text(
        "indicator_code,period,figure,numerator,denominator,data_quality,commentary,reasons,"
        "actions,not_available_reason\n"
        "NOPE-01,2026-27-Q2,12,,,,,,,\n"
        "WST-02,2026-27-Q2,lots,,,,,,,\n",
        encoding="utf-8",
    )
    page.get_by_label("Upload a CSV file of figures").set_input_files(bad)
    page.get_by_role("button", name="Upload and check").click()

    expect(heading(page)).to_have_text("The file was rejected: nothing was imported")
    problems = page.get_by_role("table", name="Problems in the file")
    expect(problems.locator("tbody tr")).to_have_count(2)
    expect(problems.locator("tbody tr").first).to_contain_text("NOPE-01")
    assert_accessible(page)


def performance_team_closes_the_cycle(page):
    menu(page).get_by_role("link", name="Reporting cycles").click()
    page.get_by_role("link", name=re.compile(r"^Q2 2026\/27\W+returns and chasing$")).click()
    page.get_by_role("button", name="Close the cycle").click()

    expect(heading(page)).to_have_text("Close the reporting cycle for Q2 2026/27")
    expect(page.get_by_text("Every figure due for Q2 2026/27 is signed off.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Close the cycle").click()

    expect(success_banner(page)).to_contain_text("The reporting cycle for Q2 2026/27 is closed")
    expect(page.get_by_role("button", name="Reopen the cycle")).to_be_visible()


# --- the demo council ------------------------------------------------------------------------


def open_october_waste_return(page, live_server) -> None:
    """The demo data owner, on 24 November 2026, finds October's return sent back: the
    approver returned its missed-collections figure (WST-03); it was due on 15 November."""
    sign_in(page, live_server, "dataowner", DEMO_PASSWORD)
    menu(page).get_by_role("link", name="Your returns").click()

    expect(heading(page)).to_have_text("Your returns")
    october = october_returns(page)
    waste = october.locator(".govuk-task-list__item").filter(has_text="Waste and Recycling")
    expect(waste.locator(".govuk-task-list__status .govuk-tag")).to_have_text(
        ["Returned for correction", "Late"]
    )
    assert_accessible(page)

    waste.get_by_role("link", name="Waste and Recycling").click()
    expect(page.locator(".govuk-caption-l")).to_have_text("October 2026 return")
    expect(heading(page)).to_have_text("Waste and Recycling")


def october_returns(page):
    """The task list under "October 2026" on "Your returns" (Q2 2026/27's comes first)."""
    return page.locator("h2:text-is('October 2026') ~ ul.govuk-task-list").first


def test_the_demo_data_owner_sees_why_a_figure_was_returned(page, live_server, demo_council):
    open_october_waste_return(page, live_server)

    missed = card(page, "Missed bin collections per 100,000 collections")
    expect(missed.locator(".govuk-tag").first).to_have_text("Returned for correction")
    expect(missed.locator(".govuk-inset-text")).to_have_text(
        "Returned by Gareth Llewellyn: Missed collections look low for October: please check "
        "the figure includes the garden waste rounds before resubmitting."
    )
    expect(missed.get_by_label("Missed collections (council at fault)")).to_have_value("461")
    # Only a figure waiting for the officer says why it came back.
    expect(page.locator(".govuk-inset-text")).to_have_count(1)
    assert_accessible(page)


def test_the_demo_data_owner_corrects_and_resubmits_the_returned_figure(
    page, live_server, demo_council, browser_errors
):
    open_october_waste_return(page, live_server)
    missed = card(page, "Missed bin collections per 100,000 collections")

    # 498 missed of 711,521 scheduled: 70.0 per 100,000 once the garden rounds are counted.
    missed.get_by_label("Missed collections (council at fault)").fill("498")
    missed.get_by_label("Figure (per 100,000)").fill("70.0")
    missed.get_by_label("What the figure shows").fill(
        "70.0 per 100,000 in October 2026 including the garden waste rounds, against a "
        "target of 60.0 per 100,000."
    )
    page.get_by_role("button", name="Submit return for sign-off").click()

    expect(error_summary(page)).to_have_count(0)
    expect(success_banner(page)).to_contain_text(
        "Waste and Recycling's return for October 2026 was submitted for sign-off."
    )
    october = october_returns(page)
    expect(october.locator(".govuk-task-list__status .govuk-tag")).to_have_text(["Submitted"])
    assert_accessible(page)
