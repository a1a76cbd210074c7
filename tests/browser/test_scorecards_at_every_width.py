"""Scorecards read at every width (issue 16): on a phone and on a desk, staff and public.

At 375 px each indicator of a scorecard is a block (its code and title, then each figure under its
column's name, the commentary behind a disclosure); at 1280 px it is a row of a table that fits the
screen. At both widths the value, target and status of every indicator are on screen without a
click or a sideways scroll, nothing is wider than the screen, axe-core finds nothing, and Chrome's
own accessibility tree still has the table (rows, column headers, cells) whatever the display.
The SPC chart of an indicator page keeps its text at 12 px or more at both widths.
"""

import pytest
from django.urls import reverse

from strategy.models import Outcome
from tests.browser.conftest import DEMO_PASSWORD, DESKTOP, NARROW, assert_accessible, sign_in
from tests.browser.test_public_site import public_report  # noqa: F401  (a fixture)

pytestmark = pytest.mark.browser

WIDTHS = (NARROW, DESKTOP)
FIGURES = ("Value", "Target", "Status")
COUNTS = ("Indicators", "Green", "Amber", "Red", "On target")
LEAST_TEXT = 12  # px

# What a reader sees of each indicator row of the reflowing tables, and anything wider than the
# screen. A cell counts as seen if it is displayed, has words, and lies wholly on the screen (a
# cell cut off by its table's scrolling region lies partly off it).
READING = """labels => {
    const screen = document.documentElement.clientWidth;
    const displayed = element => element.checkVisibility({visibilityProperty: true})
        && element.getClientRects().length > 0;
    const onScreen = element => {
        const box = element.getBoundingClientRect();
        return box.width > 0 && box.left >= -0.5 && box.right <= screen + 0.5;
    };
    const rows = [];
    for (const table of document.querySelectorAll('table.gt-scorecard--reflow')) {
        for (const row of table.tBodies[0].rows) {
            const name = row.cells[0].innerText.trim().split('\\n')[0];
            const unseen = labels.filter(label => {
                const cell = row.querySelector(`[data-label="${label}"]`);
                return !cell || !displayed(cell) || !onScreen(cell) || !cell.innerText.trim();
            });
            const commentary = row.querySelector('.gt-commentary__text');
            const disclosure = row.querySelector('.gt-commentary__details');
            rows.push({
                name,
                unseen,
                commentary: commentary ? {
                    text: displayed(commentary) && onScreen(commentary),
                    disclosure: displayed(disclosure) && onScreen(disclosure),
                    open: disclosure.open,
                } : null,
            });
        }
    }
    // The panels beside the indicators (finance, risks…) keep their wide tables in a region
    // that scrolls on its own, as tables elsewhere do; the indicators themselves must fit.
    const wide = [...document.querySelectorAll('body *')]
        .filter(element => !element.closest('.gt-panel .gt-table-wrapper'))
        .filter(element => displayed(element) && !onScreen(element)
            && element.getBoundingClientRect().width > 0)
        .map(element => `${element.tagName.toLowerCase()}.${element.className}`.slice(0, 80));
    return {rows, wide, page: document.documentElement.scrollWidth, screen};
}"""

CHART_TEXT = """() => [...document.querySelectorAll('.gt-chart svg')]
    .filter(svg => svg.checkVisibility())
    .flatMap(svg => [...svg.querySelectorAll('text')].map(
        text => parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a))"""


def read_at(page, viewport, labels) -> dict:
    page.set_viewport_size(viewport)
    page.wait_for_function("width => window.innerWidth === width", arg=viewport["width"])
    return page.evaluate(READING, list(labels))


def assert_every_indicator_reads_at_every_width(page, path: str, labels=FIGURES) -> int:
    """At 375 and 1280 px: every row's figures seen, nothing wider than the screen, and the
    commentary as text on a desk, behind a closed disclosure on a phone. Returns the rows seen."""
    page.goto(path)
    counted = set()
    for viewport in WIDTHS:
        seen = read_at(page, viewport, labels)
        where = f"{path} at {viewport['width']} px"
        assert seen["rows"], f"no indicators on {where}"
        unseen = {row["name"]: row["unseen"] for row in seen["rows"] if row["unseen"]}
        assert not unseen, f"figures not on screen on {where}: {unseen}"
        assert seen["page"] <= seen["screen"], f"{where} scrolls sideways"
        assert not seen["wide"], f"wider than the screen on {where}: {seen['wide'][:5]}"
        phone = viewport is NARROW
        for row in seen["rows"]:
            if row["commentary"]:
                assert row["commentary"] == {"text": not phone, "disclosure": phone, "open": False}
        counted.add(len(seen["rows"]))
    assert len(counted) == 1  # the same indicators at both widths
    return counted.pop()


def assert_still_a_table_for_screen_readers(page) -> None:
    """At 375 px, Chrome's accessibility tree has the first scorecard as a table: its column
    headers in order, a row per indicator plus the header row, a row header and a cell for every
    other column in each."""
    page.set_viewport_size(NARROW)
    page.wait_for_function("width => window.innerWidth === width", arg=NARROW["width"])
    # Two frames, so that the layout and the accessibility tree have caught up with the width.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    cdp = page.context.new_cdp_session(page)
    document = cdp.send("DOM.getDocument")["root"]["nodeId"]
    table = cdp.send(
        "DOM.querySelector", {"nodeId": document, "selector": "table.gt-scorecard--reflow"}
    )["nodeId"]

    def found(role: str) -> list[dict]:
        nodes = cdp.send("Accessibility.queryAXTree", {"nodeId": table, "role": role})["nodes"]
        return [node for node in nodes if not node.get("ignored")]

    first = page.locator("table.gt-scorecard--reflow").first
    headers = [" ".join(text.split()) for text in first.locator("thead th").all_text_contents()]
    rows = first.locator("tbody tr").count()
    assert headers[:5] == ["Indicator", "Trend", "Value", "Target", "Status"]
    assert len(found("table")) == 1
    assert [node["name"]["value"] for node in found("columnheader")] == headers
    assert len(found("row")) == rows + 1
    assert len(found("rowheader")) == rows
    assert len(found("cell")) == rows * (len(headers) - 1)
    cdp.detach()
    page.set_viewport_size(DESKTOP)


def assert_chart_text_at_least_12_px(page, path: str) -> None:
    page.goto(path)
    for viewport in WIDTHS:
        page.set_viewport_size(viewport)
        page.wait_for_function("width => window.innerWidth === width", arg=viewport["width"])
        sizes = page.evaluate(CHART_TEXT)
        assert sizes, f"no chart text shown on {path} at {viewport['width']} px"
        assert min(sizes) >= LEAST_TEXT, (
            f"chart text {min(sizes):.1f} px on {path} at {viewport['width']} px"
        )


def test_staff_scorecards_read_at_every_width(page, live_server, demo_council):
    sign_in(page, live_server, "performance", DEMO_PASSWORD)
    outcome = Outcome.objects.filter(ambition__code="greener").order_by("pk").first()
    pages = [
        reverse("scorecards:organisation"),
        reverse("scorecards:ambition", args=["greener"]),
        reverse("scorecards:outcome", args=[outcome.code]),
        reverse("scorecards:directorate", args=["place"]),
        reverse("scorecards:service", args=["climate-sustainability"]),
        reverse("scorecards:committee", args=["cabinet"]),
    ]
    for path in pages:
        assert_every_indicator_reads_at_every_width(page, live_server.url + path)
    assert_accessible(page)  # the committee's scorecard, the last visited

    page.goto(live_server.url + reverse("scorecards:organisation"))
    assert_still_a_table_for_screen_readers(page)
    assert_accessible(page)

    assert_chart_text_at_least_12_px(
        page, live_server.url + reverse("scorecards:indicator", args=["WST-04"])
    )
    assert_accessible(page)


def test_public_scorecards_read_at_every_width(page, live_server, public_report):  # noqa: F811
    period = public_report.period.code
    home = live_server.url + reverse("publishing:home")
    scorecard = live_server.url + reverse("publishing:scorecard", args=[period])
    ambition = live_server.url + reverse("publishing:ambition", args=[period, "greener"])

    # The home page's counts by ambition: every count of every ambition, not only Green.
    assert_every_indicator_reads_at_every_width(page, home, labels=COUNTS)
    assert_accessible(page)
    for path in (scorecard, ambition):
        assert_every_indicator_reads_at_every_width(page, path)
        assert_accessible(page)
    assert_still_a_table_for_screen_readers(page)

    indicator = page.locator("table.gt-scorecard--reflow tbody th a").first
    with page.expect_navigation():
        indicator.click()
    assert_chart_text_at_least_12_px(page, page.url)
    assert_accessible(page)


def test_a_long_scorecard_reads_one_section_at_a_time(page, live_server, demo_council, monkeypatch):
    """A scorecard with more rows than a page (a county's) shows one section in full and the
    counts of the others; the contents move between sections, at both widths and with axe."""
    monkeypatch.setattr("scorecards.views.ROWS_PER_PAGE", 10)
    sign_in(page, live_server, "performance", DEMO_PASSWORD)
    path = live_server.url + reverse("scorecards:organisation")

    assert assert_every_indicator_reads_at_every_width(page, path)
    assert page.locator("#one-section-at-a-time").is_visible()
    assert page.locator("section.gt-ambition table").count() == 1
    assert_accessible(page)

    contents = page.locator("nav[aria-labelledby='sections-heading'] a")
    other = contents.nth(1)
    title = other.inner_text()
    with page.expect_navigation():
        other.click()
    shown = page.locator("section.gt-ambition", has=page.locator("table"))
    assert shown.count() == 1
    assert shown.locator("h2").inner_text() == title
    assert (
        page.locator("nav[aria-labelledby='sections-heading'] a[aria-current='true']").inner_text()
        == title
    )
    assert assert_every_indicator_reads_at_every_width(page, page.url)
    assert_accessible(page)
