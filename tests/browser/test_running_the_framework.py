"""The performance team runs the framework without an administrator, in Chromium, on the demo
council as of 24 November 2026; every page of the journey passes axe at 1280 and 375 px.

Tom Greenaway (the demo's `performance` user: Performance team, not a superuser) adds a
quarterly indicator to Waste and Recycling, sets this year's targets for it (and one more
Waste indicator) in the targets workbook, downloaded, filled in and uploaded back, and proposes
them; Catherine Hollis, Director of Place, agrees them. Tom invites a new data owner for Waste
and Recycling, who sets a password from the emailed link. Tom opens the Q2 2026/27 cycle (put
back to planned first: in the demo it is already open), and the new data owner is told the
new indicator's first figure is due in it. The data owner submits a figure; Gareth Llewellyn, the
Head of Environmental Services, is told (a notice and an email) and returns it with a reason;
the data owner reads why, corrects it and resubmits; Gareth signs it off; Tom closes the cycle,
with a reason because other services' figures are still open.
"""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

from indicators.models import CycleState, Indicator, Lifecycle, ReportingCycle, Value, ValueState
from organisation.models import User
from targets.models import TargetState, YearTarget
from tests.browser.conftest import DEMO_PASSWORD, DESKTOP, assert_accessible, sign_in

pytestmark = pytest.mark.browser

YEAR = "2026-27"  # the demo's today, 24 November 2026, is in 2026/27
QUARTER = "Q2 2026/27"  # 1 July to 30 September 2026: the demo's open quarterly cycle
CODE = "WST-09"  # the demo's Waste indicators are WST-01 to WST-08
TITLE = "Bulky waste collections made on the agreed day"
OTHER = "WST-08"  # the other row filled in the workbook: litter, quarterly, lower is better
EMAIL = "dee.okafor@wyvernvale.gov.uk"
NEW_PASSWORD = "bulky waste on tuesdays"
TARGETS_REASON = "Agreed at the Place directorate's November performance clinic"
RETURN_REASON = (
    "This looks like the share of bookings, not of collections: use the collections made "
    "on the agreed day out of all collections made, and resubmit."
)
CLOSE_REASON = "Q2 goes to Place Scrutiny as it stands; late figures are chased separately."


# --- finding things on the page as a person would -------------------------------------------


def heading(page):
    return page.get_by_role("heading", level=1)


def menu(page):
    return page.get_by_role("navigation", name="Menu")


def success_banner(page):
    return page.get_by_role("alert").filter(has_text="Success")


def error_summary(page):
    return page.get_by_role("alert").filter(has_text="There is a problem")


def card(page, title: str):
    """A figure's summary card on a return or sign-off page, by its indicator's title."""
    return page.locator(".govuk-summary-card").filter(
        has=page.get_by_role("heading", level=2, name=title)
    )


def summary_row(scope, key: str):
    """The value of a GOV.UK summary list row, by its key, on a page or in a card."""
    page = getattr(scope, "page", scope)  # a `has` locator must start from the page
    exact_key = page.locator(".govuk-summary-list__key", has_text=re.compile(f"^{re.escape(key)}$"))
    return scope.locator(".govuk-summary-list__row", has=exact_key).locator(
        ".govuk-summary-list__value"
    )


def quarter_returns(page):
    """The task list under "Q2 2026/27" on "Your returns" (October 2026's is there too)."""
    return page.locator(f"h2:text-is('{QUARTER}') ~ ul.govuk-task-list").first


def waste_task(page):
    return (
        quarter_returns(page)
        .locator(".govuk-task-list__item")
        .filter(has=page.get_by_role("link", name="Waste and Recycling", exact=True))
    )


def link_named(service: str, period: str) -> re.Pattern:
    """A link named by a service, then the period (visually hidden, for screen readers).
    Playwright's selector wants the regular expression's slashes escaped."""
    return re.compile(f"^{re.escape(service)}.+{re.escape(period)}$".replace("/", r"\/"))


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(heading(page)).to_have_text("Sign in")


def watch_for_errors(page, browser_errors) -> None:
    """Fail the test on this page's console errors too, as the `page` fixture does for its."""

    def on_console(message):
        if message.type == "error":
            where = message.location.get("url", "")
            browser_errors.messages.append(f"console error: {message.text} ({where})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: browser_errors.messages.append(f"page error: {error}"))


# --- the journey ----------------------------------------------------------------------------


def test_the_performance_team_runs_the_framework_without_an_administrator(
    page, browser, live_server, demo_council, tmp_path, browser_errors
):
    browser_errors.allow(r"status of 400 \(Bad Request\)")  # a form with errors answers 400
    assert not User.objects.get(username="performance").is_superuser
    # As on 1 October: the quarter's cycle is planned, not yet opened.
    ReportingCycle.objects.filter(period__code="2026-27-Q2").update(
        state=CycleState.PLANNED, opened_by=None, opened_at=None
    )

    page.goto(live_server.url + reverse("login"))
    expect(heading(page)).to_have_text("Sign in")
    assert_accessible(page)
    sign_in(page, live_server, "performance", DEMO_PASSWORD)
    expect(menu(page).get_by_role("link", name="Framework")).to_be_visible()
    assert_accessible(page)  # the organisation's scorecard, where signing in lands
    team_adds_an_indicator(page, live_server)
    team_sets_the_targets_in_the_workbook(page, tmp_path)
    sign_out(page)
    director_agrees_the_targets(page, live_server)
    sign_in(page, live_server, "performance", DEMO_PASSWORD)
    team_invites_a_data_owner(page, browser, live_server, browser_errors)
    team_opens_the_cycle(page)
    sign_out(page)

    data_owner_submits_a_figure(page, live_server)
    approver_returns_it_with_a_reason(page, live_server)
    data_owner_corrects_and_resubmits(page, live_server)
    approver_signs_it_off(page, live_server)
    team_closes_the_cycle(page, live_server)


def team_adds_an_indicator(page, live_server):
    page.goto(live_server.url + reverse("framework:home"))
    assert_accessible(page)
    page.get_by_role("link", name="Indicators", exact=True).click()
    expect(heading(page)).to_have_text("Indicators")
    assert_accessible(page)

    page.get_by_role("button", name="Add an indicator").click()
    expect(heading(page)).to_contain_text("Add an indicator")
    assert_accessible(page)
    page.get_by_label("Code", exact=True).fill(CODE)
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Definition", exact=True).fill(
        "Percentage of booked bulky waste collections made on the day agreed with the resident."
    )
    page.get_by_label("Unit", exact=True).fill("%")
    page.get_by_label("Decimal places", exact=True).fill("1")
    page.get_by_label("Higher is better", exact=True).check()
    page.get_by_label("Output", exact=True).check()
    page.get_by_label("Quarterly", exact=True).check()
    page.get_by_label("Average", exact=True).check()
    page.get_by_label("Service that owns it").select_option(label="Waste and Recycling (Place)")
    page.get_by_label("Operational", exact=True).check()
    page.get_by_label("Approved", exact=True).check()
    page.get_by_label("Definition takes effect from").fill("2026-04-01")
    page.get_by_label("Why is it being added?").fill(
        "Cabinet asked for bulky waste reliability to be reported from this year"
    )
    page.get_by_role("button", name="Add the indicator").click()

    expect(heading(page)).to_contain_text(TITLE)
    expect(page.locator(".govuk-notification-banner").first).to_contain_text(
        f"{CODE} {TITLE} was added"
    )
    assert_accessible(page)
    added = Indicator.objects.get(code=CODE)
    assert (added.owner.code, added.lifecycle) == ("waste-recycling", Lifecycle.APPROVED)


def team_sets_the_targets_in_the_workbook(page, tmp_path):
    page.goto(reverse("framework:home"))
    page.get_by_role("link", name="Targets", exact=True).click()
    expect(heading(page)).to_have_text("Targets")
    assert_accessible(page)
    page.get_by_role("link", name="Targets for 2026/27").click()
    expect(heading(page)).to_have_text("Targets for 2026/27")
    page.get_by_label("Service", exact=True).select_option(label="Waste and Recycling")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(f"#row-{CODE}")).to_contain_text("Not set")
    expect(page.locator("#targets caption")).to_have_text("9 indicators")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these targets as a spreadsheet").click()
    download = download_info.value
    assert download.suggested_filename == f"targets-{YEAR}.xlsx"
    workbook = tmp_path / download.suggested_filename
    download.save_as(workbook)

    book = load_workbook(workbook)
    sheet = book["Targets"]
    column = {cell.value: cell.column for cell in sheet[1]}
    rows = {sheet.cell(row=r, column=column["Code"]).value: r for r in range(2, sheet.max_row + 1)}
    assert set(rows) == {f"WST-0{n}" for n in range(1, 10)}  # the service's indicators only
    for code, annual, rationale in (
        (CODE, 92, "The contract's standard for collections on the agreed day"),
        (OTHER, 6, "Half a point better than last year's target, with the new litter crews"),
    ):
        sheet.cell(row=rows[code], column=column["Annual target"], value=annual)
        sheet.cell(row=rows[code], column=column["Profile"], value="Even")
        sheet.cell(row=rows[code], column=column["Rationale"], value=rationale)
    book.save(workbook)

    page.get_by_role("link", name="Upload the targets workbook").click()
    expect(heading(page)).to_have_text("Upload the targets workbook")
    assert_accessible(page)
    page.get_by_label("Targets workbook").set_input_files(workbook)
    page.get_by_label("Reason for changing the targets").fill(TARGETS_REASON)
    page.get_by_role("button", name="Upload and check").click()

    expect(heading(page)).to_have_text("Targets for 2026/27")
    expect(success_banner(page)).to_contain_text(
        f"Targets of 2 indicators set from targets-{YEAR}.xlsx as drafts"
    )
    expect(page.locator(f"#row-{CODE}")).to_contain_text("Draft")
    expect(page.locator(f"#row-{CODE}")).to_contain_text("92.0%")
    assert_accessible(page)

    page.get_by_label(f"Choose {CODE}").check()
    page.get_by_label(f"Choose {OTHER}").check()
    page.get_by_role("button", name="Propose the chosen for agreement").click()
    expect(success_banner(page)).to_contain_text("Targets of 2 indicators proposed for agreement")
    expect(page.locator(f"#row-{CODE}")).to_contain_text("Awaiting agreement")


def director_agrees_the_targets(page, live_server):
    sign_in(page, live_server, "director", DEMO_PASSWORD)
    page.goto(live_server.url + reverse("targets:year", args=[YEAR]))
    expect(heading(page)).to_have_text("Targets for 2026/27")
    expect(page.get_by_text("2 awaiting agreement")).to_be_visible()
    assert_accessible(page)
    page.get_by_label(f"Choose {CODE}").check()
    page.get_by_label(f"Choose {OTHER}").check()
    page.get_by_role("button", name="Agree the chosen targets").click()
    expect(success_banner(page)).to_contain_text(
        "Targets of 2 indicators agreed: they now judge figures"
    )
    expect(page.locator(f"#row-{CODE}")).to_contain_text("Agreed")
    assert_accessible(page)
    agreed = YearTarget.objects.filter(year__code=YEAR, state=TargetState.AGREED)
    assert sorted(agreed.values_list("indicator__code", flat=True)) == [OTHER, CODE]
    sign_out(page)


def team_invites_a_data_owner(page, browser, live_server, browser_errors):
    menu(page).get_by_role("link", name="Framework").click()
    page.get_by_role("link", name="People", exact=True).click()
    expect(heading(page)).to_have_text("People")
    assert_accessible(page)

    page.get_by_role("link", name="Invite a person").click()
    expect(heading(page)).to_contain_text("Invite")
    assert_accessible(page)
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("First name").fill("Dee")
    page.get_by_label("Last name").fill("Okafor")
    page.get_by_label("Job title (optional)").fill("Bulky Waste Coordinator")
    page.get_by_label("Where they work (optional)").select_option(
        label="Waste and Recycling (Place)"
    )
    page.get_by_role("group", name="Roles").get_by_label("Data owner").check()
    page.get_by_role("group", name="Units they answer for").get_by_label(
        "Waste and Recycling (Place)"
    ).check()
    page.get_by_label("Why they need access").fill("Reports the bulky waste figures from Q2")
    page.get_by_role("button", name="Send the invitation").click()

    expect(heading(page)).to_have_text("Dee Okafor")
    expect(page.get_by_text(f"An invitation was emailed to {EMAIL}.")).to_be_visible()
    expect(page.locator("#roles")).to_have_text("Data owner")
    assert_accessible(page)

    # Dee follows the emailed link in a browser of their own and sets a password.
    [email] = [message for message in mail.outbox if message.to == [EMAIL]]
    link = re.search(r"https?://\S+/welcome/\S+/", email.body).group(0)
    path = link[link.index(reverse("framework:people")) :]
    theirs = browser.new_context(viewport=DESKTOP, locale="en-GB", base_url=live_server.url)
    try:
        dee = theirs.new_page()
        watch_for_errors(dee, browser_errors)
        dee.goto(live_server.url + path)
        expect(heading(dee)).to_have_text("Set your password")
        assert_accessible(dee)
        dee.get_by_label("New password").fill(NEW_PASSWORD)
        dee.get_by_label("Confirm your password").fill(NEW_PASSWORD)
        dee.get_by_role("button", name="Set your password").click()
        expect(dee.get_by_text("Your password is set.")).to_be_visible()
        assert_accessible(dee)
    finally:
        theirs.close()


def team_opens_the_cycle(page):
    """Tom opens the planned Q2 2026/27 cycle; the new data owner is told the new indicator's
    first figure is due in it."""
    menu(page).get_by_role("link", name="Reporting cycles").click()
    expect(heading(page)).to_have_text("Reporting cycles")
    cycles = page.get_by_role("table", name="Open, planned and recent cycles")
    expect(cycles.get_by_role("row").filter(has_text=QUARTER)).to_contain_text("Planned")
    assert_accessible(page)

    page.get_by_role("link", name=link_named(QUARTER, "returns and chasing")).click()
    expect(heading(page)).to_contain_text(QUARTER)
    expect(heading(page)).to_contain_text("Planned")
    mail.outbox.clear()
    page.get_by_role("button", name="Open for returns").click()
    expect(success_banner(page)).to_contain_text(QUARTER)
    expect(heading(page)).to_contain_text("Open")
    waste = page.locator("#return-waste-recycling")
    expect(waste.locator("td").nth(2)).to_have_text("1")  # not started: the new indicator
    expect(waste.locator("td").nth(6)).to_have_text("3 of 4")
    assert_accessible(page)
    told = [message for message in mail.outbox if EMAIL in message.to]
    assert [message.subject for message in told] == [
        f"{QUARTER} returns are open: due by 20 October 2026"
    ]


def data_owner_submits_a_figure(page, live_server):
    sign_in(page, live_server, EMAIL, NEW_PASSWORD)
    expect(menu(page)).to_contain_text("Your returns")
    expect(menu(page).get_by_role("link", name="Framework")).to_have_count(0)
    assert_accessible(page)  # the scorecard, as a data owner sees it
    menu(page).get_by_role("link", name="Your returns").click()
    expect(heading(page)).to_have_text("Your returns")
    expect(waste_task(page)).to_contain_text("4 indicators")
    assert_accessible(page)

    waste_task(page).get_by_role("link", name="Waste and Recycling").click()
    expect(heading(page)).to_have_text("Waste and Recycling")
    bulky = card(page, TITLE)
    expect(summary_row(bulky, "Target")).to_contain_text("92.0%")
    assert_accessible(page)

    # A slip of the decimal point: Red against the target, so it needs commentary.
    bulky.get_by_label("Figure (%)").fill("9.4")
    expect(summary_row(bulky, "Status of this figure").locator(".govuk-tag")).to_have_text("Red")
    bulky.get_by_label("What the figure shows").fill(
        "Most bookings were moved by the contractor during the depot move."
    )
    bulky.get_by_label("What is being done").fill("Daily checks of the contractor's rounds.")
    page.get_by_role("button", name="Submit return for sign-off").click()

    expect(heading(page)).to_have_text("Your returns")
    expect(success_banner(page)).to_contain_text(
        f"Waste and Recycling's return for {QUARTER} was submitted for sign-off."
    )
    expect(waste_task(page)).to_contain_text("Submitted")
    assert_accessible(page)
    sign_out(page)


def approver_returns_it_with_a_reason(page, live_server):
    gareth = User.objects.get(username="approver")
    told = [
        message
        for message in mail.outbox
        if message.to == [gareth.email] and "to sign off" in message.subject
    ]
    assert [message.subject for message in told] == [
        f"1 figure to sign off: Waste and Recycling, {QUARTER}"
    ]
    assert f"Dee Okafor submitted 1 figure for your sign-off:\n- {CODE} {TITLE}" in told[0].body

    sign_in(page, live_server, "approver", DEMO_PASSWORD)
    notices_link = page.get_by_role("link", name=re.compile(r"^Notices"))
    expect(notices_link).to_contain_text("unread")
    notices_link.click()
    expect(heading(page)).to_have_text("Notices")
    notice = page.get_by_role("row").filter(has_text="Dee Okafor submitted 1 figure")
    expect(notice).to_contain_text(f"{CODE} {TITLE} (Waste and Recycling, {QUARTER})")
    assert_accessible(page)

    notice.get_by_role("link").click()
    expect(heading(page)).to_have_text("Waste and Recycling")
    bulky = card(page, TITLE)
    expect(summary_row(bulky, "Figure")).to_have_text("9.4%")
    assert_accessible(page)
    bulky.get_by_label("Return for correction").check()
    bulky.get_by_label("Why it is being returned").fill(RETURN_REASON)
    page.get_by_role("button", name="Save decisions").click()

    expect(heading(page)).to_have_text("Figures to sign off")
    expect(success_banner(page)).to_contain_text("0 signed off, 1 returned for correction.")
    assert_accessible(page)
    sign_out(page)


def data_owner_corrects_and_resubmits(page, live_server):
    told = [message for message in mail.outbox if message.to == [EMAIL]]
    assert [message.subject for message in told][-1] == (
        f"Returned for correction: {TITLE}, {QUARTER}"
    )
    assert RETURN_REASON in told[-1].body

    sign_in(page, live_server, EMAIL, NEW_PASSWORD)
    # Unread: the cycle opening, and now the figure returned.
    notices_link = page.get_by_role("link", name=re.compile(r"^Notices"))
    expect(notices_link).to_have_text("Notices (2 unread)")
    notices_link.click()
    unread = page.get_by_role("table", name="2 unread")
    expect(unread).to_contain_text(
        f"Gareth Llewellyn returned {CODE} {TITLE} (Waste and Recycling, {QUARTER}) for correction."
    )
    expect(unread).to_contain_text(f"Their reason: {RETURN_REASON}")
    assert_accessible(page)

    unread.get_by_role("link", name=f"Returned for correction: {TITLE}, {QUARTER} (unread)").click()
    expect(heading(page)).to_have_text("Waste and Recycling")
    bulky = card(page, TITLE)
    expect(bulky.locator(".govuk-inset-text")).to_have_text(
        f"Returned by Gareth Llewellyn: {RETURN_REASON}"
    )
    assert_accessible(page)

    bulky.get_by_label("Figure (%)").fill("94.2")
    expect(summary_row(bulky, "Status of this figure").locator(".govuk-tag")).to_have_text("Green")
    bulky.get_by_label("What the figure shows").fill(
        "94.2% of collections were made on the agreed day, above the 92% standard."
    )
    page.get_by_role("button", name="Submit return for sign-off").click()

    expect(success_banner(page)).to_contain_text("was submitted for sign-off")
    expect(waste_task(page)).to_contain_text("Submitted")
    assert_accessible(page)
    sign_out(page)


def approver_signs_it_off(page, live_server):
    sign_in(page, live_server, "approver", DEMO_PASSWORD)
    menu(page).get_by_role("link", name="Sign-off").click()
    expect(heading(page)).to_have_text("Figures to sign off")
    assert_accessible(page)
    page.get_by_role("link", name=link_named("Waste and Recycling", QUARTER)).click()
    bulky = card(page, TITLE)
    expect(summary_row(bulky, "Figure")).to_have_text("94.2%")
    expect(summary_row(bulky, "Commentary")).to_contain_text("above the 92% standard")
    bulky.get_by_label("Sign off").check()
    page.get_by_role("button", name="Save decisions").click()

    expect(success_banner(page)).to_contain_text("1 signed off, 0 returned for correction.")
    value = Value.objects.get(indicator__code=CODE, period__code="2026-27-Q2")
    assert (value.state, value.figure) == (ValueState.APPROVED, Decimal("94.2"))
    sign_out(page)


def team_closes_the_cycle(page, live_server):
    sign_in(page, live_server, "performance", DEMO_PASSWORD)
    menu(page).get_by_role("link", name="Reporting cycles").click()
    page.get_by_role("link", name=link_named(QUARTER, "returns and chasing")).click()
    expect(page.locator("#return-waste-recycling td").nth(6)).to_have_text("4 of 4")
    page.get_by_role("button", name="Close the cycle").click()

    expect(heading(page)).to_have_text(f"Close the reporting cycle for {QUARTER}")
    expect(page.get_by_text(f"Figures for {QUARTER} are still open.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Close the cycle").click()
    expect(error_summary(page)).to_contain_text("Reason for closing")
    assert_accessible(page)

    page.get_by_label("Reason for closing").fill(CLOSE_REASON)
    page.get_by_role("button", name="Close the cycle").click()
    expect(success_banner(page)).to_contain_text(
        f"The reporting cycle for {QUARTER} is closed: its figures are locked."
    )
    expect(heading(page)).to_contain_text("Closed")
    expect(page.get_by_role("button", name="Reopen the cycle")).to_be_visible()
    assert_accessible(page)
