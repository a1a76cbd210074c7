"""Down the golden thread by keyboard alone, and every scorecard page checked by axe.

From the organisation scorecard a councillor tabs to an ambition, then an outcome, then an
indicator; and separately to a directorate and one of its services. Every stop on the way must
show where the focus is. Then each page type (and the filtered state, and the indicator page) is
checked with axe-core for a councillor and for two officers. Each test loads the demo council
(about 7 seconds), so the checks are grouped into two tests.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD, assert_accessible, sign_in

pytestmark = pytest.mark.browser

QUARTER = "Q2 2026/27"  # the demo's latest complete quarter
COUNCIL = "Wyvern Vale Council"

# The focus style of the element with focus: GOV.UK marks focus with a yellow background, a
# box-shadow underline or ring, or an outline (a transparent outline is only for high contrast).
FOCUS_STYLE = """element => {
    const style = getComputedStyle(element);
    return {
        tag: element.tagName.toLowerCase(),
        text: (element.innerText || element.getAttribute('aria-label') || '').trim().slice(0, 60),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
            && !/rgba\\(0, 0, 0, 0\\)|transparent/.test(style.outlineColor)
            ? `${style.outlineWidth} ${style.outlineStyle} ${style.outlineColor}` : '',
        boxShadow: style.boxShadow === 'none' ? '' : style.boxShadow,
        background: style.backgroundColor,
    };
}"""


# The Status cell of every row of the page's scorecard tables.
STATUS_COLUMN = """() => [...document.querySelectorAll('main .gt-scorecard')].flatMap(table => {
    const headers = [...table.tHead.rows[0].cells].map(cell => cell.textContent.trim());
    const status = headers.indexOf('Status');
    return [...table.tBodies[0].rows].map(row => row.cells[status].textContent.trim());
})"""


def heading(page):
    return page.get_by_role("heading", level=1)


def focused(page):
    return page.locator(":focus")


def is_focused(locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def assert_focus_visible(page, before: dict | None = None) -> dict:
    """The focused element shows it: an outline or a box-shadow, unlike its unfocused self."""
    style = focused(page).evaluate(FOCUS_STYLE)
    assert style["outline"] or style["boxShadow"], f"no visible focus on {style}"
    if before is not None:
        changed = {k for k in ("outline", "boxShadow", "background") if style[k] != before[k]}
        assert changed, f"focus looks like no focus on {style}"
    return style


def tab_to(page, target, *, limit: int = 150) -> None:
    """Press Tab until `target` has focus, checking that every stop on the way shows its focus."""
    target = target.first
    expect(target).to_be_visible()
    before = target.evaluate(FOCUS_STYLE)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if is_focused(target):
            assert_focus_visible(page, before)
            return
        assert_focus_visible(page)
    pytest.fail(f"{limit} presses of Tab did not reach {target}")


def follow(page, target) -> str:
    """Tab to a link and open it with Enter; return the link's text."""
    tab_to(page, target)
    name = " ".join(target.first.inner_text().split())
    with page.expect_navigation():
        page.keyboard.press("Enter")
    return name


def expect_page(page, title: str) -> None:
    """The page's h1 reads `title: quarter`, and its <title> starts with `title, quarter`."""
    expect(heading(page)).to_have_text(f"{title}: {QUARTER}")
    expect(page).to_have_title(re.compile(rf"^{re.escape(title)}, {QUARTER} – {COUNCIL}$"))


def breadcrumbs(page) -> list[str]:
    trail = page.get_by_role("navigation", name="Breadcrumb").get_by_role("listitem")
    return [" ".join(text.split()) for text in trail.all_inner_texts()]


def test_a_councillor_drills_down_the_golden_thread_by_keyboard(page, live_server, demo_council):
    sign_in(page, live_server, "councillor", DEMO_PASSWORD)
    expect_page(page, "Organisation scorecard")

    # Organisation › ambition: each ambition's heading is a link to its page.
    ambition = follow(page, page.locator("main section h2 a"))
    expect_page(page, ambition)
    assert breadcrumbs(page) == ["Organisation scorecard", ambition]

    # Ambition › outcome: each outcome's heading is a link to its page.
    outcome = follow(page, page.locator("main section h2 a"))
    expect_page(page, outcome)
    assert breadcrumbs(page) == ["Organisation scorecard", ambition, outcome]

    # Outcome › indicator, from the indicator's row.
    indicator = follow(page, page.locator("main table tbody th a"))
    expect(heading(page)).to_have_text(indicator)
    expect(page).to_have_title(re.compile(rf"^{re.escape(indicator)}, {QUARTER} – {COUNCIL}$"))
    assert breadcrumbs(page) == ["Organisation scorecard", ambition, outcome, indicator]
    expect(page.get_by_role("heading", name="Every period")).to_be_visible()

    # Organisation › directorate › service.
    page.goto(live_server.url + reverse("scorecards:organisation"))
    directorate = follow(page, page.locator("main").get_by_role("link", name="Place", exact=True))
    assert directorate == "Place"
    expect_page(page, "Place scorecard")
    assert breadcrumbs(page) == ["Organisation scorecard", "Place"]
    service = follow(page, page.locator("main section h2 a"))
    expect_page(page, service)
    assert breadcrumbs(page) == ["Organisation scorecard", "Place", service]
    # The service's rows are the next step down: its indicators.
    expect(page.locator("main table tbody th a").first).to_be_visible()

    # Back up the thread by the breadcrumbs, still by keyboard.
    follow(
        page, page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Place")
    )
    expect_page(page, "Place scorecard")


# Every page type of the thread, as (what it is, address). Waste and Recycling is the demo data
# owner's service, so officers see the sign-off history on WST-01's indicator page; BEN-01's
# definition has changed, so its page lists the versions.
PAGES = [
    ("organisation scorecard", reverse("scorecards:organisation")),
    ("ambition", reverse("scorecards:ambition", args=["greener"])),
    ("outcome", reverse("scorecards:outcome", args=["less-waste"])),
    ("directorate", reverse("scorecards:directorate", args=["place"])),
    ("service", reverse("scorecards:service", args=["waste-recycling"])),
    ("committee", reverse("scorecards:committee", args=["place-scrutiny"])),
    (
        "full-scorecard committee",
        reverse("scorecards:committee", args=["strategy-resources-performance"]),
    ),
    ("indicator", reverse("scorecards:indicator", args=["WST-01"])),
    ("indicator with a changed definition", reverse("scorecards:indicator", args=["BEN-01"])),
]
FILTERED = ["organisation scorecard", "directorate"]


def check_every_page(page, live_server) -> None:
    for what, address in PAGES:
        response = page.goto(live_server.url + address)
        assert response.status == 200, what
        expect(heading(page)).to_be_visible()
        assert_accessible(page)
        if what in FILTERED:
            check_filtered(page, what)


def check_filtered(page, what: str) -> None:
    """Open the filters, tick Red, apply: the page keeps its filters in view and only Red rows."""
    page.get_by_text("Filter the indicators", exact=True).click()
    status = page.get_by_role("group", name="Status")
    status.get_by_label("Red", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"[?&]status=red(&|$)"))
    expect(page.get_by_role("group", name="Status").get_by_label("Red", exact=True)).to_be_checked()
    statuses = page.evaluate(STATUS_COLUMN)
    assert statuses and set(statuses) == {"Red"}, (what, statuses)
    assert_accessible(page)


def sign_out(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()


def test_every_page_of_the_thread_is_accessible_to_councillors_and_officers(
    page, live_server, demo_council
):
    for username in ("councillor", "performance", "dataowner"):
        sign_in(page, live_server, username, DEMO_PASSWORD)
        try:
            check_every_page(page, live_server)
        except AssertionError as problem:
            raise AssertionError(f"signed in as {username}: {problem}") from problem
        if username != "councillor":
            # Officers who may see unapproved work see who signed the figure off.
            page.goto(live_server.url + reverse("scorecards:indicator", args=["WST-01"]))
            expect(
                page.get_by_role("heading", name="Sign-off history of this figure")
            ).to_be_visible()
        sign_out(page)
