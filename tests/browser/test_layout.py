"""Every page type, staff and public, laid out at 375 px and 1280 px: nothing wider than a phone's
screen, no text cut off by `overflow: hidden`, and each page looking as its reviewed screenshot.

One test per page type (on the demo council, loaded once per session and copied back for each
test), each visiting its page at both widths:

- at 375 px the page never scrolls sideways; a failure names the widest elements that stick out
  (a data table scrolling in its own `.gt-table-wrapper` region is fine);
- at both widths no element with `overflow: hidden` (or `clip`) cuts off visible text, leaving
  out GOV.UK's visually hidden text and deliberate truncation (`text-overflow: ellipsis`); no
  status tag is stretched taller than its text; no two links read the same but go to different
  pages;
- the top of the page (`SCREEN_HEIGHT`) matches its baseline in tests/browser/baselines/ to
  within `MAX_CHANGED_SHARE` of its pixels; a failure writes the new screenshot and a picture of
  the difference to test-artifacts/. Anything that varies between runs (times of day) is masked.

After a deliberate change to how pages look, update the baselines and review them like code:

    UPDATE_BASELINES=1 .venv/bin/python -m pytest -p no:cacheprovider tests/browser/test_layout.py

and copy the curated set to docs/screenshots/ with `COPY_SCREENSHOTS=1` as well.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from PIL import Image, ImageChops

from demo.people import DEMO_PASSWORD
from indicators.models import Indicator, PeriodKind, ReportingCycle, Value, ValueState
from reports.models import Report, ReportKind
from reports.publication import released_reports
from strategy.models import Ambition
from tests.browser.conftest import DESKTOP, NARROW, _settle, sign_in

pytestmark = pytest.mark.browser

BASELINES = Path(__file__).parent / "baselines"
SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "layout"
UPDATE_BASELINES = os.environ.get("UPDATE_BASELINES") == "1"
COPY_SCREENSHOTS = os.environ.get("COPY_SCREENSHOTS") == "1"

WIDTHS = {"narrow": NARROW, "desktop": DESKTOP}
SCREEN_HEIGHT = {"narrow": 1600, "desktop": 1400}  # the top of each page, in CSS px
MAX_CHANGED_SHARE = 0.002  # of the screenshot's pixels, each channel differing by more than…
PIXEL_TOLERANCE = 24  # …this much (of 255): anti-aliasing never fails a test
# What varies between runs, masked in screenshots: the moments written when the demo loads (the
# clock runs while it loads), and what is made from them (the audit log's hashes).
MASKED = ["time"]


@dataclass(frozen=True)
class PageType:
    name: str
    persona: str | None  # a demo username; None: not signed in
    address: object  # () -> the page's path, asked once the demo is loaded
    masked: tuple[str, ...] = ()  # CSS selectors of what varies on this page, besides MASKED
    # Link texts allowed to repeat for different pages, each with the reason.
    same_text_links: tuple[str, ...] = ()


def _latest_quarter_cycle() -> ReportingCycle:
    """The demo's open quarterly cycle (Q2 2026/27)."""
    return (
        ReportingCycle.objects.filter(period__kind=PeriodKind.quarter, state="open")
        .select_related("period__financial_year")
        .order_by("-period__starts_on")
        .first()
    )


def _service_return() -> str:
    cycle = _latest_quarter_cycle()
    return reverse("returns:service", args=[cycle.pk, "waste-recycling"])


def _service_sign_off() -> str:
    """Waste and Recycling's figure awaiting the demo approver's sign-off."""
    value = Value.objects.filter(
        state=ValueState.SUBMITTED, indicator__owner__code="waste-recycling"
    ).first()
    cycle = ReportingCycle.objects.get(period=value.period_id)
    return reverse("returns:service_sign_off", args=[cycle.pk, "waste-recycling"])


def _annual_report() -> str:
    return reverse("reports:report", args=[Report.objects.get(kind=ReportKind.ANNUAL).pk])


def _committee_report() -> str:
    """The draft for the next cabinet (Q2 2026/27)."""
    report = (
        Report.objects.filter(kind=ReportKind.COMMITTEE, committee__code="cabinet")
        .order_by("-period__starts_on")
        .first()
    )
    return reverse("reports:report", args=[report.pk])


def _released():
    from django.utils import timezone

    return released_reports(timezone.now()).select_related("period")


def _public_quarter() -> str:
    report = (
        _released().filter(period__kind=PeriodKind.quarter).order_by("-period__starts_on").first()
    )
    return report.period.code


def _public_report() -> str:
    report = _released().filter(kind=ReportKind.COMMITTEE).order_by("-period__starts_on").first()
    return reverse("publishing:report", args=[report.pk])


def _strategic_indicator() -> str:
    return Indicator.objects.filter(sets__code="strategic").order_by("code").first().code


def _current_year() -> str:
    return _latest_quarter_cycle().period.financial_year.code


# The registers beside the indicators (the demo's own: demo/generate.py load_registers).
def _project() -> str:
    from delivery.models import Project

    return reverse("delivery:project", args=[Project.objects.order_by("reference").first().pk])


def _programme() -> str:
    from delivery.models import Programme

    return reverse("delivery:programme", args=[Programme.objects.order_by("code").first().code])


def _risk() -> str:
    from risks.models import Risk

    risk = Risk.objects.filter(owner__username="riskowner").order_by("reference").first()
    return reverse("risks:risk", args=[risk.pk])


def _finance_line() -> str:
    from finance.models import BudgetLine

    line = BudgetLine.objects.get(unit__code="place", year__code=_current_year())
    return reverse("finance:line", args=[line.pk])


def _improvement_action() -> str:
    from improvement.models import ImprovementAction

    action = ImprovementAction.objects.order_by("reference").first()
    return reverse("improvement:action", args=[action.pk])


def _unitaries_group() -> str:
    from benchmarking.models import ComparatorGroup

    group = ComparatorGroup.objects.filter(name="English unitary authorities").first()
    return reverse("benchmarking:group", args=[group.pk])


REGISTER_PAGE_TYPES = [
    PageType("delivery-plan", "director", lambda: reverse("delivery:plan")),
    PageType("programme", "director", _programme),
    PageType("project", "director", _project),
    PageType("service-plans", "approver", lambda: reverse("delivery:service_plans")),
    PageType("risks", "riskowner", lambda: reverse("risks:register")),
    PageType("risk", "riskowner", _risk),
    PageType("risk-heat-map", "director", lambda: reverse("risks:heat_map")),
    PageType("finance-year", "finance", lambda: reverse("finance:year", args=[_current_year()])),
    PageType("finance-line", "finance", _finance_line),
    PageType("improvement", "performance", lambda: reverse("improvement:index")),
    PageType("improvement-action", "performance", _improvement_action),
    PageType("benchmarking", "performance", lambda: reverse("benchmarking:metrics")),
    PageType(
        "benchmark-metric",
        "councillor",
        lambda: reverse("benchmarking:metric", args=["oflog-waste-recycling-rate"]),
    ),
    PageType(
        "indicator-how-we-compare",
        "councillor",
        lambda: reverse("scorecards:indicator", args=["WST-01"]),
    ),
    PageType(
        "benchmark-link", "performance", lambda: reverse("benchmarking:link", args=["WST-01"])
    ),
    PageType("benchmark-upload", "performance", lambda: reverse("benchmarking:upload")),
    PageType(
        "outcome-evidence",
        "councillor",
        lambda: reverse("scorecards:outcome", args=["safe-communities"]),
    ),
    PageType(
        "benchmark-evidence",
        "performance",
        lambda: reverse("benchmarking:outcome_evidence", args=["safe-communities"]),
    ),
    PageType(
        "scorecard-by-quartile",
        "performance",
        lambda: (
            reverse("scorecards:service", args=["waste-recycling"])
            + "?quartile=top&quartile=upper_middle&quartile=lower_middle&quartile=bottom"
        ),
    ),
    PageType("benchmark-groups", "performance", lambda: reverse("benchmarking:groups")),
    PageType("benchmark-group", "councillor", _unitaries_group),
]


PAGE_TYPES = [
    # Staff: scorecards
    PageType("organisation-scorecard", "performance", lambda: reverse("scorecards:organisation")),
    PageType(
        "ambition-scorecard",
        "performance",
        lambda: reverse(
            "scorecards:ambition", args=[Ambition.objects.order_by("order").first().code]
        ),
    ),
    PageType(
        "directorate-scorecard",
        "director",
        lambda: reverse("scorecards:directorate", args=["place"]),
    ),
    PageType(
        "service-scorecard",
        "approver",
        lambda: reverse("scorecards:service", args=["waste-recycling"]),
    ),
    PageType(
        "committee-scorecard",
        "councillor",
        lambda: reverse("scorecards:committee", args=["cabinet"]),
    ),
    PageType(
        "indicator",
        "performance",
        lambda: reverse("scorecards:indicator", args=[_strategic_indicator()]),
    ),
    # Staff: collecting figures
    PageType(
        "returns",
        "dataowner",
        lambda: reverse("returns:mine"),
        # A service's return in each open cycle, under the cycle's heading. Telling them apart
        # in the link itself (", Q2 2026/27 return") would change the task list's names that
        # other browser tests find the links by: a follow-up.
        same_text_links=("Waste and Recycling",),
    ),
    PageType("service-return", "dataowner", _service_return),
    PageType("sign-off", "approver", lambda: reverse("returns:sign_off")),
    PageType("service-sign-off", "approver", _service_sign_off),
    PageType("cycles", "performance", lambda: reverse("returns:cycles")),
    PageType(
        "cycle", "performance", lambda: reverse("returns:cycle", args=[_latest_quarter_cycle().pk])
    ),
    PageType(
        "close-cycle",
        "performance",
        lambda: reverse("returns:close_cycle", args=[_latest_quarter_cycle().pk]),
    ),
    # Staff: reports
    PageType("reports", "performance", lambda: reverse("reports:list")),
    PageType("report", "performance", _committee_report),
    PageType("annual-report", "performance", _annual_report),
    # Staff: the framework and targets
    PageType("framework", "performance", lambda: reverse("framework:home")),
    PageType("framework-indicators", "performance", lambda: reverse("framework:indicators")),
    PageType("framework-people", "performance", lambda: reverse("framework:people")),
    PageType("framework-structure", "performance", lambda: reverse("framework:structure")),
    PageType("framework-committees", "performance", lambda: reverse("framework:committees")),
    PageType(
        "framework-reminder-rules", "performance", lambda: reverse("framework:reminder_rules")
    ),
    PageType(
        "targets-year", "performance", lambda: reverse("targets:year", args=[_current_year()])
    ),
    # Staff: one's own
    PageType("notices", "approver", lambda: reverse("notices:list")),
    PageType("account", "dataowner", lambda: reverse("accounts:account")),
    PageType("audit-log", "auditor", lambda: reverse("audit:log"), masked=("main code",)),
    # Public
    PageType("public-home", None, lambda: reverse("publishing:home")),
    PageType(
        "public-scorecard",
        None,
        lambda: reverse("publishing:scorecard", args=[_public_quarter()]),
    ),
    PageType(
        "public-indicator",
        None,
        lambda: reverse("publishing:indicator", args=[_strategic_indicator()]),
    ),
    PageType("public-report", None, _public_report),
    PageType("public-reports", None, lambda: reverse("publishing:reports")),
    PageType("public-accessibility", None, lambda: reverse("publishing:accessibility")),
    PageType("public-open-data", None, lambda: reverse("publishing:data")),
    # The way in
    PageType("sign-in", None, lambda: reverse("login")),
    PageType("landing", None, lambda: reverse("home")),
    # Beside the indicators: delivery, risks, finance and improvement
    *REGISTER_PAGE_TYPES,
]


@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=[p.name for p in PAGE_TYPES])
def test_page_fits_every_width_and_looks_as_reviewed(page, live_server, demo_council, page_type):
    if page_type.persona:
        sign_in(page, live_server, page_type.persona, DEMO_PASSWORD)
    address = page_type.address()
    problems = []
    for width_name, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        response = page.goto(live_server.url + address)
        assert response.status == 200, f"{address} answered {response.status}"
        page.wait_for_load_state("load")
        _settle(page)
        where = f"{page_type.name} at {viewport['width']} px ({address})"
        if width_name == "narrow":
            problems += _sideways_scroll(page, where)
        problems += _clipped_text(page, where)
        problems += _stretched_tags(page, where)
        problems += _same_text_links(page, where, allowed=page_type.same_text_links)
        problems += _compare_screenshot(page, page_type, width_name)
    assert not problems, "\n\n".join(problems)


def test_the_checks_find_what_they_look_for_and_only_that(page, live_server):
    """The checks above on a page given each fault on purpose (no demo needed)."""
    page.set_viewport_size(NARROW)
    page.goto(live_server.url + reverse("login"))
    # Built in the DOM with the CSSOM: the Content Security Policy refuses style attributes.
    page.evaluate(
        """() => {
            const main = document.querySelector('main');
            const add = (parent, tag, text, style, className) => {
                const el = parent.appendChild(document.createElement(tag));
                if (text) el.append(text);
                Object.assign(el.style, style || {});
                if (className) el.className = className;
                return el;
            };
            add(main, 'p', 'Too wide', {width: '600px'}, 'gt-test-too-wide');
            add(main, 'p', 'Clipped commentary that runs on', {width: '60px',
                overflow: 'hidden', whiteSpace: 'nowrap'});
            add(main, 'p', 'Truncated on purpose, with an ellipsis', {width: '60px',
                overflow: 'hidden', whiteSpace: 'nowrap', textOverflow: 'ellipsis'});
            add(main, 'span', 'Hidden for screen readers', null, 'govuk-visually-hidden');
            const row = add(main, 'div', '', {display: 'flex', height: '120px'});
            add(row, 'strong', 'Signed off', null, 'govuk-tag');
            for (const where of ['/reports/1/', '/reports/2/']) {
                add(main, 'a', 'Quarterly performance report').href = where;
            }
            const scrolls = add(main, 'div', '', {overflowX: 'auto'});
            add(scrolls, 'p', 'Wide, in its own scrolling region', {width: '900px'});
        }"""
    )

    wide = _sideways_scroll(page, "test page")
    clipped = _clipped_text(page, "test page")
    stretched = _stretched_tags(page, "test page")
    same_text = _same_text_links(page, "test page")

    assert len(wide) == 1 and 'p.gt-test-too-wide "Too wide"' in wide[0]
    assert "Wide, in its own scrolling region" not in wide[0]
    assert len(clipped) == 1 and "Clipped commentary" in clipped[0]
    assert "ellipsis" not in clipped[0] and "screen readers" not in clipped[0]
    assert len(same_text) == 1
    assert '"Quarterly performance report" goes to 2 places' in same_text[0]
    assert len(stretched) == 1 and '"Signed off": 1' in stretched[0]  # 120 px and margins


# --- too wide ----------------------------------------------------------------------------------

# Elements sticking out past the right edge of the screen, skipping those inside a region that
# scrolls or clips (they widen only their region), widest first.
TOO_WIDE = """() => {
    const view = window.innerWidth;
    const page = document.documentElement.scrollWidth;
    if (page <= view) return {page, view, offenders: []};
    const contained = el => {
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
            if (getComputedStyle(a).overflowX !== 'visible') return true;
        }
        return false;
    };
    const describe = el => {
        let name = el.tagName.toLowerCase();
        if (el.id) name += '#' + el.id;
        const classes = [...el.classList].slice(0, 3);
        if (classes.length) name += '.' + classes.join('.');
        const text = (el.innerText || el.textContent || '').trim().replace(/\\s+/g, ' ');
        return name + (text ? ` "${text.slice(0, 60)}"` : '');
    };
    const offenders = [];
    for (const el of document.body.querySelectorAll('*')) {
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.right <= view + 1 || contained(el)) continue;
        offenders.push({what: describe(el), right: Math.round(box.right),
                        width: Math.round(box.width)});
    }
    offenders.sort((a, b) => b.right - a.right || a.width - b.width);
    return {page, view, offenders: offenders.slice(0, 5)};
}"""


def _sideways_scroll(page, where: str) -> list[str]:
    found = page.evaluate(TOO_WIDE)
    if found["page"] <= found["view"]:
        return []
    offenders = "\n".join(
        f"  - {o['what']}: reaches {o['right']} px ({o['width']} px wide)"
        for o in found["offenders"]
    )
    return [
        f"{where}: the page scrolls sideways ({found['page']} px of content on a "
        f"{found['view']} px screen). Widest offenders:\n{offenders}"
    ]


# --- clipped text ------------------------------------------------------------------------------

# Elements that hide overflow and hold visible text wider or taller than their box. GOV.UK's
# visually hidden text (a 1 px box) and deliberate truncation (an ellipsis) are meant to be so.
CLIPPED = """() => {
    const hides = v => v === 'hidden' || v === 'clip';
    const visuallyHidden = el => {
        for (let a = el; a; a = a.parentElement) {
            if (a.classList.contains('govuk-visually-hidden')) return true;
            const box = a.getBoundingClientRect();
            if (box.width <= 1 && box.height <= 1) return true;
        }
        return false;
    };
    const found = [];
    for (const el of document.body.querySelectorAll('*')) {
        if (['SELECT', 'INPUT', 'TEXTAREA', 'svg'].includes(el.tagName)) continue;
        if (el.closest('svg')) continue;
        const style = getComputedStyle(el);
        const acrossHidden = hides(style.overflowX), downHidden = hides(style.overflowY);
        if (!acrossHidden && !downHidden) continue;
        if (style.textOverflow === 'ellipsis') continue;
        const text = (el.innerText || '').trim();
        if (!text || style.visibility === 'hidden' || visuallyHidden(el)) continue;
        const across = acrossHidden && el.scrollWidth > el.clientWidth + 1;
        const down = downHidden && el.scrollHeight > el.clientHeight + 2;
        if (!across && !down) continue;
        let name = el.tagName.toLowerCase();
        const classes = [...el.classList].slice(0, 3);
        if (classes.length) name += '.' + classes.join('.');
        found.push({what: name, text: text.replace(/\\s+/g, ' ').slice(0, 60),
                    box: `${el.clientWidth}×${el.clientHeight}`,
                    content: `${el.scrollWidth}×${el.scrollHeight}`});
    }
    return found.slice(0, 5);
}"""


def _clipped_text(page, where: str) -> list[str]:
    found = page.evaluate(CLIPPED)
    if not found:
        return []
    lines = "\n".join(
        f'  - {c["what"]} "{c["text"]}": shows {c["box"]} px of {c["content"]} px' for c in found
    )
    return [f"{where}: text cut off by overflow: hidden:\n{lines}"]


# --- stretched tags ----------------------------------------------------------------------------

# GOV.UK tags taller than their lines of text (a flex or grid item stretched to its row's height:
# the return form's "Signed off" once was a tall box).
STRETCHED = """() => {
    const found = [];
    for (const tag of document.querySelectorAll('.govuk-tag')) {
        const box = tag.getBoundingClientRect();
        if (box.height === 0) continue;
        const style = getComputedStyle(tag);
        const range = document.createRange();
        range.selectNodeContents(tag);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top))).size || 1;
        const text = parseFloat(style.lineHeight) * lines
            + parseFloat(style.paddingTop) + parseFloat(style.paddingBottom)
            + parseFloat(style.borderTopWidth) + parseFloat(style.borderBottomWidth);
        if (box.height > text + 4) {
            found.push({text: tag.innerText.trim(), height: Math.round(box.height),
                        expected: Math.round(text)});
        }
    }
    return found.slice(0, 5);
}"""


def _stretched_tags(page, where: str) -> list[str]:
    found = page.evaluate(STRETCHED)
    if not found:
        return []
    lines = "\n".join(
        f'  - "{t["text"]}": {t["height"]} px tall for {t["expected"]} px of text' for t in found
    )
    return [f"{where}: status tags stretched taller than their text:\n{lines}"]


# --- links ------------------------------------------------------------------------------------

# Links whose text, visually hidden part included, is the same but which go to different pages
# (the staff reports list once had a dozen "Quarterly performance report" links, told apart only
# by their row): a screen reader's list of links cannot tell them apart. Links within the page
# (a contents list beside its sections' own links) are left out.
SAME_TEXT = """() => {
    const byText = new Map();
    for (const link of document.querySelectorAll('main a[href]')) {
        const to = new URL(link.href, location.href);
        if (to.pathname === location.pathname && to.hash) continue;
        const text = link.textContent.trim().replace(/\\s+/g, ' ');
        if (!byText.has(text)) byText.set(text, new Set());
        byText.get(text).add(to.pathname + to.search);
    }
    return [...byText].filter(([, places]) => places.size > 1)
        .map(([text, places]) => `"${text}" goes to ${places.size} places`).slice(0, 5);
}"""


def _same_text_links(page, where: str, allowed: tuple[str, ...] = ()) -> list[str]:
    found = [f for f in page.evaluate(SAME_TEXT) if f.split('" goes to')[0][1:] not in allowed]
    if not found:
        return []
    lines = "\n".join(f"  - {text}" for text in found)
    return [f"{where}: links that read the same go to different places:\n{lines}"]


# --- screenshots -------------------------------------------------------------------------------


def _compare_screenshot(page, page_type: PageType, width_name: str) -> list[str]:
    viewport = page.viewport_size
    height = min(SCREEN_HEIGHT[width_name], page.evaluate("document.documentElement.scrollHeight"))
    png = page.screenshot(
        full_page=True,
        clip={"x": 0, "y": 0, "width": viewport["width"], "height": height},
        animations="disabled",
        caret="hide",
        mask=[page.locator(selector) for selector in (*MASKED, *page_type.masked)],
    )
    file_name = f"{page_type.name}-{viewport['width']}.png"
    baseline = BASELINES / file_name
    if COPY_SCREENSHOTS:
        _copy_to_docs(png, file_name)
    if UPDATE_BASELINES or not baseline.exists():
        BASELINES.mkdir(parents=True, exist_ok=True)
        baseline.write_bytes(png)
        if not UPDATE_BASELINES:
            return [f"{file_name}: no baseline yet; written to {baseline}, review and commit it"]
        return []
    changed, total, difference = _difference(baseline.read_bytes(), png)
    if changed <= total * MAX_CHANGED_SHARE:
        return []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / file_name).write_bytes(png)
    if difference is not None:
        difference.save(ARTIFACTS / file_name.replace(".png", "-difference.png"))
    shutil.copyfile(baseline, ARTIFACTS / file_name.replace(".png", "-baseline.png"))
    return [
        f"{file_name}: {changed} of {total} pixels differ from the baseline "
        f"({changed / total:.2%}, more than {MAX_CHANGED_SHARE:.1%}); see {ARTIFACTS}. If the "
        "change is meant, update the baselines (UPDATE_BASELINES=1) and commit them."
    ]


def _copy_to_docs(png: bytes, file_name: str) -> None:
    """The screenshot for the README, in 256 colours: a third of the size, the same to the eye."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    image = Image.open(BytesIO(png)).convert("RGB").quantize(colors=256)
    image.save(SCREENSHOTS / file_name, optimize=True)


def _difference(expected: bytes, actual: bytes) -> tuple[int, int, Image.Image | None]:
    """(pixels that differ, pixels in all, a picture of where) between two PNGs."""
    before = Image.open(BytesIO(expected)).convert("RGB")
    after = Image.open(BytesIO(actual)).convert("RGB")
    if before.size != after.size:
        width, height = max(before.width, after.width), max(before.height, after.height)
        return width * height, width * height, None  # a different height is a different page
    red, green, blue = ImageChops.difference(before, after).split()
    most = ImageChops.lighter(ImageChops.lighter(red, green), blue)  # the channel most changed
    changed = most.point(lambda level: 255 if level > PIXEL_TOLERANCE else 0)
    count = changed.histogram()[255]
    return count, before.width * before.height, changed
