"""The public performance site in a real browser, never signed in.

A resident goes from the home page to a quarter's scorecard, one ambition, one indicator and
the report it was published in, by keyboard alone, seeing where the focus is at every stop.
Every public page type then passes axe-core at desktop width and at 375 px.

The demo council is loaded as of 24 November 2026; if it has no published report, the demo
performance team writes one for the full-scorecard committee's latest meeting that has begun
and the demo director approves it, so it is public now.
"""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from indicators.models import Period
from organisation.models import User
from reports.models import ReportKind
from reports.publication import released_reports
from reports.reporting import approve_report, create_report, save_report, seen_now
from strategy.models import Committee, Meeting
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser

COUNCIL = "Wyvern Vale Council"

# How the focused element shows its focus: GOV.UK uses a yellow background with a thick
# underline (a box-shadow) or an outline.
FOCUS_STYLE = """element => {
    const style = getComputedStyle(element);
    return {
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
            && !/rgba\\(0, 0, 0, 0\\)|transparent/.test(style.outlineColor),
        boxShadow: style.boxShadow !== 'none',
        background: style.backgroundColor,
        text: (element.innerText || '').trim().slice(0, 60),
    };
}"""


def heading(page):
    return page.get_by_role("heading", level=1)


def tab_to(page, target, *, limit: int = 200) -> None:
    """Press Tab until `target` has focus; every stop on the way must show its focus."""
    target = target.first
    expect(target).to_be_visible()
    unfocused = target.evaluate(FOCUS_STYLE)
    for _ in range(limit):
        page.keyboard.press("Tab")
        style = page.locator(":focus").evaluate(FOCUS_STYLE)
        assert style["outline"] or style["boxShadow"], f"no visible focus on {style}"
        if target.evaluate("element => element === document.activeElement"):
            assert style != unfocused, f"focus looks like no focus on {style}"
            return
    pytest.fail(f"{limit} presses of Tab did not reach {target}")


def follow(page, target) -> str:
    """Tab to a link and open it with Enter; return the link's text."""
    tab_to(page, target)
    name = " ".join(target.first.inner_text().split())
    with page.expect_navigation():
        page.keyboard.press("Enter")
    return name


@pytest.fixture
def public_report(demo_council):
    """A released committee report of the demo council (made here if the demo has none)."""
    found = released_reports().filter(kind=ReportKind.COMMITTEE).first()
    if found is not None:
        return found
    committee = Committee.objects.filter(receives_full_scorecard=True).first()
    meeting = (
        Meeting.objects.filter(
            committee=committee,
            starts_at__lte=timezone.now(),
            is_cancelled=False,
            cycles__period__kind="quarter",
        )
        .order_by("-starts_at")
        .first()
    )
    period = (
        Period.objects.filter(cycle__meetings=meeting, kind="quarter")
        .order_by("-starts_on")
        .first()
        if meeting
        else Period.objects.filter(kind="quarter", ends_on__lt=timezone.localdate())
        .order_by("-starts_on")
        .first()
    )
    performance = User.objects.get(username="performance")
    report = create_report(
        by=performance,
        kind=ReportKind.COMMITTEE,
        committee=committee,
        meeting=meeting,
        period=period,
        title=f"Quarterly performance report: {period.label}",
    )
    report = save_report(
        report,
        by=performance,
        lock_version=report.lock_version,
        purpose="To report the council's performance for the quarter.",
        going_well="Recycling is ahead of target for the third quarter running.",
        not_going_well="More households are in temporary accommodation.",
        being_done="An improvement plan for housing options is under way.",
    )
    # The files are made by the tasks worker; these tests read the report's web page.
    director = User.objects.get(username="director")
    return approve_report(report, by=director, seen=seen_now(report), make_files=False)


def expect_title(page, starting: str) -> None:
    expect(page).to_have_title(re.compile(rf"^{re.escape(starting)}.* – {COUNCIL} performance$"))


def test_a_resident_follows_the_thread_by_keyboard(page, live_server, public_report):
    period = public_report.period.label
    page.goto(live_server.url + reverse("publishing:home"))
    expect(heading(page)).to_have_text(f"How {COUNCIL} is performing")
    expect(page.get_by_role("link", name="Sign out")).to_have_count(0)

    # Home › the latest quarter's scorecard.
    follow(
        page, page.locator("main").get_by_role("link", name=re.compile("See the full scorecard"))
    )
    expect(heading(page)).to_have_text(period)
    expect_title(page, f"Scorecard, {period}")

    # Quarter › ambition: each ambition's heading links to its page.
    ambition = follow(page, page.locator("main section h2 a"))
    expect(heading(page)).to_have_text(ambition)
    expect_title(page, f"{ambition}, {period}")

    # Ambition › indicator, from its row of the table.
    indicator = follow(page, page.locator("main table tbody th a"))
    expect(heading(page)).to_have_text(indicator)
    expect(page.get_by_role("heading", name="Every published period")).to_be_visible()

    # Indicator › the report its latest figure was published in.
    follow(page, page.locator("main p").get_by_role("link", name=re.compile("report")))
    expect(heading(page)).to_have_text(public_report.title)
    expect(page.get_by_role("heading", name="Exceptions", exact=True)).to_be_visible()


def test_every_public_page_type_is_accessible(page, live_server, public_report, browser_errors):
    period = public_report.period.code
    pages = [
        ("home", reverse("publishing:home")),
        ("scorecards", reverse("publishing:scorecards")),
        ("quarter scorecard", reverse("publishing:scorecard", args=[period])),
        ("ambition", reverse("publishing:ambition", args=[period, "greener"])),
        ("indicators A to Z", reverse("publishing:indicators")),
        ("indicator", reverse("publishing:indicator", args=["WST-01"])),
        ("reports", reverse("publishing:reports")),
        ("report", reverse("publishing:report", args=[public_report.pk])),
        ("open data", reverse("publishing:data")),
        ("accessibility statement", reverse("publishing:accessibility")),
    ]
    for what, address in pages:
        response = page.goto(live_server.url + address)
        assert response.status == 200, what
        assert response.headers["cache-control"] == "public, max-age=300", what
        expect(heading(page)).to_be_visible()
        try:
            assert_accessible(page)
        except AssertionError as problem:
            raise AssertionError(f"{what}: {problem}") from problem

    browser_errors.allow(r"Failed to load resource: the server responded with a status of 404")
    response = page.goto(live_server.url + reverse("publishing:report", args=[987654]))
    assert response.status == 404
    expect(heading(page)).to_have_text("Page not found")
    assert_accessible(page)


def test_a_scorecard_listed_ambition_by_ambition_is_accessible(
    page, live_server, public_report, monkeypatch
):
    """A council's scorecard too long for one page shows each ambition's counts and a link to
    its own page, at a phone's width and a desktop's, and no table of rows; an ambition's page
    shows its rows a page at a time, and the indicators linked to no ambition have theirs."""
    monkeypatch.setattr("publishing.published.ROWS_ON_ONE_PAGE", 5)
    address = live_server.url + reverse("publishing:scorecard", args=[public_report.period.code])
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.goto(address).status == 200
        expect(page.locator("#by-ambition-page")).to_contain_text("too many for one page")
        expect(page.locator("main table")).to_have_count(0)
        main = page.locator("main")
        expect(main.get_by_role("link", name=re.compile("linked to no ambition"))).to_be_visible()
        follow(page, main.get_by_role("link", name=re.compile("^See the \\d+ ind")).first)
        expect(page.locator("#rows-shown")).to_contain_text("Indicators 1 to 5 of")
        expect(page.locator("main table").first).to_be_visible()
        assert_accessible(page)
        follow(
            page,
            page.get_by_role("navigation", name="Pages of indicators").get_by_role(
                "link", name=re.compile("Next")
            ),
        )
        expect(page.locator("#rows-shown")).to_contain_text("Indicators 6 to")
        page.goto(address)
        follow(page, main.get_by_role("link", name=re.compile("linked to no ambition")))
        expect(heading(page)).to_have_text("Not linked to an ambition")
        expect(page.locator("main table").first).to_be_visible()
        assert_accessible(page)


def test_an_a_to_z_listed_letter_by_letter_is_accessible(
    page, live_server, public_report, monkeypatch
):
    """An A to Z too long for one page lists the letters, each with its count and a page of
    its own, at a phone's width and a desktop's."""
    monkeypatch.setattr("publishing.published.ROWS_ON_ONE_PAGE", 1)
    address = live_server.url + reverse("publishing:indicators")
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.goto(address).status == 200
        expect(page.locator("#by-letter")).to_contain_text("each letter has a page of its own")
        expect(page.locator("main table")).to_have_count(0)
        assert_accessible(page)
        letters = page.get_by_role("navigation", name="Indicators by first letter")
        follow(page, letters.get_by_role("link").first)
        expect(heading(page)).to_contain_text("Indicators beginning with")
        expect(page.locator("main table").first).to_be_visible()
        assert_accessible(page)
