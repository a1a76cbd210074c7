"""Charts drawn for the box they are shown in (issue 16): a narrow drawing for a phone whose text
stays at 12 px or more, and a target far from the values named at the chart's edge instead of
squashing the values into a sliver of the height.

How big the text comes out is checked in a real browser by
tests/browser/test_chart_text_at_every_width.py; these tests check the drawing itself."""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

from django.template.loader import render_to_string

from charts import bars, spc, svg
from charts.bars import comparison_bars
from charts.spc import spc_chart
from charts.svg import Chart
from charts.tests.test_spc_chart import BASELINE, HIGHER, STEP, draw, series, texts, with_class

D = Decimal
SVG = "{http://www.w3.org/2000/svg}"
# The narrowest box a chart gets: a 320 px screen less GOV.UK's 15 px gutters (WCAG 1.4.10).
NARROWEST_BOX = 290
# The narrowest box the wide drawing is shown in (app.scss: the container query's breakpoint).
WIDE_FROM = 620
LEAST_TEXT = 12  # px


def root_of(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def view_width(root: ET.Element) -> float:
    return float(root.get("viewBox").split()[2])


def font_sizes(root: ET.Element) -> list[float]:
    """Each text's font size in the drawing's units (its own, or the document's)."""
    default = float(root.get("font-size"))
    return [float(text.get("font-size", default)) for text in root.iter(f"{SVG}text")]


def shown_size(root: ET.Element, box: float) -> float:
    """The smallest text in px when the drawing fills a box ``box`` px wide."""
    return min(font_sizes(root)) * box / view_width(root)


def bars_chart(**options) -> Chart:
    items = [
        ("Northshire", D("61.9"), False),
        ("Barnshire", D("42.5"), True),
        ("Southport and Riverside Metropolitan Borough", D("37.7"), False),
    ]
    return comparison_bars(
        title="Household waste recycled", items=items, unit="%", precision=1, **options
    )


# The narrow drawing


def test_every_chart_has_a_narrow_drawing_with_its_own_ids() -> None:
    for chart in (draw(BASELINE + STEP, target=D(12)), bars_chart(median=D("42.5"))):
        narrow = root_of(chart.narrow_svg)

        assert view_width(narrow) == 320
        assert narrow.get("aria-labelledby") == f"{chart.id}-narrow-title {chart.id}-narrow-desc"
        assert narrow.find(f"{SVG}title").text == chart.title
        assert narrow.find(f"{SVG}desc").text == chart.description


def test_text_stays_at_12_px_in_the_narrowest_box_and_wherever_the_wide_one_is_shown() -> None:
    charts = [
        draw(BASELINE + STEP, target=D(12)),
        draw(BASELINE[:5]),  # a note instead of limits
        bars_chart(median=D("42.5")),
    ]
    for chart in charts:
        assert shown_size(root_of(chart.narrow_svg), NARROWEST_BOX) >= LEAST_TEXT
        assert shown_size(root_of(chart.svg), WIDE_FROM) >= LEAST_TEXT


def test_the_narrow_spc_chart_names_its_lines_in_the_legend_not_at_their_ends() -> None:
    root = root_of(draw(BASELINE + STEP, target=D(12)).narrow_svg)

    legend = [" ".join(texts(group)) for group in with_class(root, "gt-legend")]
    assert legend[:4] == ["Upper process limit", "Mean", "Lower process limit", "Target"]
    # The lines themselves are drawn, unlabelled, so the values keep the width.
    for group in with_class(root, "gt-line"):
        assert texts(group) == [] and group.find(f"{SVG}line") is not None


def test_no_text_of_the_narrow_spc_chart_runs_past_its_edges() -> None:
    chart = draw(BASELINE + STEP + ["20"], target=D(12), frequency="monthly")
    root = root_of(chart.narrow_svg)
    width = view_width(root)

    for text in root.iter(f"{SVG}text"):
        x, words = float(text.get("x")), text.text
        length = svg.text_width(words)
        start = {"start": x, "middle": x - length / 2, "end": x - length}[
            text.get("text-anchor", "start")
        ]
        assert start >= 0 and start + length <= width + 1, words


def test_the_narrow_spc_chart_labels_fewer_periods_than_the_wide_one() -> None:
    chart = draw(BASELINE + STEP + ["12"] * 20)

    def period_labels(markup):
        return texts(with_class(root_of(markup), "gt-axis--x")[0])

    narrow, wide = period_labels(chart.narrow_svg), period_labels(chart.svg)
    assert 2 <= len(narrow) < len(wide)
    assert narrow[-1] == wide[-1] == "July 2025"  # always the latest


def test_a_long_note_or_legend_wraps_within_the_narrow_width() -> None:
    assert svg.wrap("Special cause – high or low (no better direction)", 200) == [
        "Special cause – high or low",
        "(no better direction)",
    ]
    assert svg.wrap("Unbreakable", 10) == ["Unbreakable"]
    chart = spc_chart(
        title="Recalculated",
        points=series(*BASELINE, "11", "12"),
        phases=(
            spc.Phase(start=0, values=tuple(D(v) for v in BASELINE), chart=None),
            spc.Phase(start=12, values=(D(11), D(12)), chart=None),
        ),
        polarity=HIGHER,
        unit="",
        precision=0,
    )
    note = [t for t in root_of(chart.narrow_svg).iter(f"{SVG}text") if t.get("font-weight")]
    assert len(note) > 1
    assert " ".join(t.text for t in note) == spc.NOT_ENOUGH_SINCE


def test_narrow_bars_put_each_name_above_its_bar_in_full() -> None:
    chart = bars_chart(median=D("42.5"))
    root = root_of(chart.narrow_svg)

    names = [texts(group)[0] for group in with_class(root, "gt-bar")]
    assert names == ["Northshire", "Barnshire (us)", "Southport and Riverside Metropolitan Borough"]
    for group in with_class(root, "gt-bar"):
        name, bar = group.find(f"{SVG}text"), group.find(f"{SVG}rect")
        assert float(name.get("y")) < float(bar.get("y"))
    # The wide drawing, with its names beside the bars, has to shorten the longest.
    wide_names = [texts(group)[0] for group in with_class(root_of(chart.svg), "gt-bar")]
    assert wide_names[-1].endswith("…")
    assert bars.NARROW_WIDTH == spc.NARROW_WIDTH


# A target far from the values


def test_a_target_far_above_the_values_is_named_at_the_top_not_drawn_to_scale() -> None:
    # Monthly values near 11 against a target of 130 (a yearly total, say).
    chart = draw(BASELINE + STEP, target=D(130))
    root = root_of(chart.svg)

    ticks = [float(t.replace(",", "")) for t in texts(with_class(root, "gt-axis--y")[0])]
    assert max(ticks) < 30  # the values keep the chart's height
    (target,) = with_class(root, "gt-line--target")
    assert "gt-line--off-scale" in target.get("class").split()
    assert target.find(f"{SVG}line") is None
    assert texts(target) == ["Target 130.0 ↑"]
    assert chart.description.endswith(
        "The target, 130.0, is far above the values, so it is named at the top of the chart "
        "rather than drawn to the values' scale."
    )
    narrow_legend = " ".join(texts(root_of(chart.narrow_svg)))
    assert "Target 130.0, above the chart" in narrow_legend


def test_a_target_far_below_is_named_at_the_bottom() -> None:
    chart = draw(BASELINE + STEP, target=D(-100))
    (target,) = with_class(root_of(chart.svg), "gt-line--target")

    assert texts(target) == ["Target -100.0 ↓"]
    assert "far below the values" in chart.description


def test_a_target_within_twice_the_values_spread_is_drawn_on_their_scale() -> None:
    # Values and limits span 5.68 to 16.32 (10.64): a target of 30 is within two spreads.
    chart = draw(BASELINE + STEP, target=D(30))
    (target,) = with_class(root_of(chart.svg), "gt-line--target")

    assert target.find(f"{SVG}line") is not None
    assert texts(target) == ["Target"]
    assert "far above" not in chart.description


def test_off_scale_is_measured_against_the_values_spread() -> None:
    def target_at(value) -> spc._Line:
        return spc._Line(D(value), "Target", svg.GREEN, svg.GREEN, 2, svg.DASH_DOT, "target")

    def away(values, target) -> dict[str, bool]:
        return {side: bool(off) for side, off in spc.off_scale(values, [target_at(target)]).items()}

    # 100 to 110: a spread of 10, so a target up to 20 beyond either end shares the scale.
    assert away([D(100), D(110)], 130) == {"above": False, "below": False}
    assert away([D(100), D(110)], 131) == {"above": True, "below": False}
    assert away([D(100), D(110)], 79) == {"above": False, "below": True}
    # One value: a tenth of it stands for the spread.
    assert away([D(100)], 125) == {"above": True, "below": False}


# The figure


def test_the_figure_shows_one_drawing_per_width_each_named() -> None:
    chart = draw(BASELINE + STEP, target=D(12))
    html = render_to_string("components/chart.html", {"chart": chart})

    wide = re.search(r'<div class="gt-chart__wide">(<svg .*?</svg>)</div>', html, re.S)
    narrow = re.search(r'<div class="gt-chart__narrow">(<svg .*?</svg>)</div>', html, re.S)
    assert wide and narrow
    assert f'aria-labelledby="{chart.id}-title {chart.id}-desc"' in wide[1]
    assert f'aria-labelledby="{chart.id}-narrow-title {chart.id}-narrow-desc"' in narrow[1]
    assert html.count("Show the data as a table") == 1


def test_a_chart_without_a_narrow_drawing_is_shown_as_before() -> None:
    chart = draw(BASELINE + STEP)
    html = render_to_string(
        "components/chart.html", {"chart": Chart(**{**vars(chart), "narrow_svg": ""})}
    )

    assert "gt-chart__narrow" not in html and "gt-chart__wide" not in html
    assert f'<div class="gt-chart__image">{chart.svg}</div>' in html
