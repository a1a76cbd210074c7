"""How big a chart's text comes out in a real browser, in every box from a 320 px phone's up,
at 375 px and in print (issue 16): never under 12 px.

The chart is put, as ``components/chart.html`` renders it, on a page of the app that has its
stylesheet, inside a box whose width the test sets; the size of each displayed text is its
computed font size times the SVG's scale on screen. The drawing itself is tested in
charts/tests/test_charts_at_every_width.py; this test lives with the browser harness, whose
session-wide browser a second copy of the fixtures elsewhere could not share.
"""

from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from charts.tests.test_charts_at_every_width import bars_chart
from charts.tests.test_spc_chart import BASELINE, STEP, draw
from tests.browser.conftest import NARROW

pytestmark = pytest.mark.browser

D = Decimal
LEAST_TEXT = 12  # px
BOXES = (290, 320, 345, 400, 480, 560, 619, 620, 700, 900, 1140)

PLACE = """html => {
    const box = document.createElement('div');
    box.id = 'chart-box';
    box.innerHTML = html;
    document.querySelector('main').prepend(box);
}"""

SIZES = """width => {
    const box = document.getElementById('chart-box');
    if (width) box.style.width = `${width}px`;  // CSSOM, which the CSP allows
    const shown = [...box.querySelectorAll('svg')].filter(svg => svg.checkVisibility());
    return shown.map(svg => ({
        variant: svg.closest('.gt-chart__narrow') ? 'narrow' : 'wide',
        sizes: [...svg.querySelectorAll('text')].map(
            text => parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a),
        heights: [...svg.querySelectorAll('text')].map(
            text => text.getBoundingClientRect().height),
    }));
}"""


@pytest.fixture
def charts():
    return {
        "SPC chart": draw(BASELINE + STEP + ["20"], target=D(12)),
        "SPC chart with a note": draw(BASELINE[:6]),
        "bar chart": bars_chart(median=D("42.5")),
    }


def place(page, live_server, chart) -> None:
    page.goto(live_server.url + reverse("login"))
    page.evaluate(PLACE, render_to_string("components/chart.html", {"chart": chart}))


def test_chart_text_is_at_least_12_px_in_every_box(page, live_server, charts):
    for name, chart in charts.items():
        place(page, live_server, chart)
        variants = set()
        for width in BOXES:
            (shown,) = page.evaluate(SIZES, width)  # exactly one drawing displayed
            variants.add(shown["variant"])
            assert min(shown["sizes"]) >= LEAST_TEXT, (
                f"{name}: {min(shown['sizes']):.1f} px text in a {width} px box"
            )
            # The text's box on screen is at least as tall as its font.
            assert min(shown["heights"]) >= LEAST_TEXT
        assert variants == {"narrow", "wide"}, name


def test_chart_text_is_at_least_12_px_at_375_px_and_in_print(page, live_server, charts):
    for name, chart in charts.items():
        page.set_viewport_size(NARROW)
        place(page, live_server, chart)
        (shown,) = page.evaluate(SIZES, 0)
        assert shown["variant"] == "narrow"
        assert min(shown["sizes"]) >= LEAST_TEXT, f"{name} at 375 px"

        # A4 portrait less the printer's margins is about 680 CSS px.
        page.set_viewport_size({"width": 680, "height": 960})
        page.emulate_media(media="print")
        (shown,) = page.evaluate(SIZES, 0)
        assert min(shown["sizes"]) >= LEAST_TEXT, f"{name} in print"
        page.emulate_media(media="screen")
