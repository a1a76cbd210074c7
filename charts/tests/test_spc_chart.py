import re
import xml.etree.ElementTree as ET
from collections import Counter
from decimal import Decimal
from itertools import pairwise

import pytest
from django.template.loader import render_to_string
from hypothesis import given
from hypothesis import strategies as st

from charts.spc import NOT_ENOUGH_DATA, short_label, spc_chart
from charts.svg import Chart, nice_ticks
from status.periods import MONTH_NAMES
from status.polarity import Polarity
from status.spc import xmr

D = Decimal
SVG = "{http://www.w3.org/2000/svg}"
HIGHER = Polarity.higher_is_better
LOWER = Polarity.lower_is_better

# A baseline of 12 months alternating 12 and 10 (centre 11, MR-bar 2: process limits 5.68 to
# 16.32, near-limit lines at 7.45 and 14.55), ending below the centre line.
BASELINE = ["12", "10"] * 6
# Then a step up: 8 points above the centre line, inside the near-limit lines (rule 2 only).
STEP = ["13", "12.5"] * 4


def months(count: int) -> list[str]:
    """Month labels from April 2022 on."""
    return [f"{MONTH_NAMES[(3 + i) % 12]} {2022 + (3 + i) // 12}" for i in range(count)]


def series(*values: str) -> list[tuple[str, Decimal]]:
    return list(zip(months(len(values)), [D(v) for v in values], strict=True))


def draw(values: list[str], polarity=HIGHER, **options) -> Chart:
    points = series(*values)
    chart = xmr([value for _label, value in points], baseline=(0, len(BASELINE) - 1))
    options = {"unit": "", "precision": 1, "frequency": "monthly", **options}
    return spc_chart(
        title="Households in temporary accommodation",
        points=points,
        chart=chart,
        polarity=polarity,
        **options,
    )


def parse(chart: Chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))


def with_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if name in e.get("class", "").split()]


def texts(element: ET.Element) -> list[str]:
    return [e.text for e in element.iter(f"{SVG}text")]


def markers(root: ET.Element) -> list[tuple[str, str]]:
    """(kind, shape element) of each point marker, in order."""
    found = []
    for point in with_class(root, "gt-point"):
        kind = next(c for c in point.get("class").split() if c.startswith("gt-point--"))
        shape = next(child for child in point if child.tag != f"{SVG}title")
        found.append((kind.removeprefix("gt-point--"), shape.tag.removeprefix(SVG)))
    return found


# The document


def test_the_svg_is_an_image_named_by_its_own_title_and_description() -> None:
    chart = draw(BASELINE + STEP, target=D(12))
    root = parse(chart)

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("focusable") == "false"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.get("id") == f"{chart.id}-title" and desc.get("id") == f"{chart.id}-desc"
    assert title.text == "Households in temporary accommodation"
    assert desc.text == chart.description


def test_the_description_gives_span_limits_reading_and_assurance_in_words() -> None:
    chart = draw(BASELINE + STEP, target=D(12))

    assert chart.description == (
        "20 monthly values from April 2022 to November 2023. "
        "Mean 11.0, process limits 5.7 to 16.3. "
        "The mean and limits are worked out from April 2022 to March 2023. "
        "The latest value, 12.5, shows special cause – improving (high): "
        "8 points in a row above the mean. "
        "Target 12.0: hit and miss."
    )


@pytest.mark.parametrize(
    ("tail", "polarity", "reading"),
    [
        (["20"], HIGHER, "special cause – improving (high): above the upper process limit"),
        (
            ["15", "11.5", "15"],
            LOWER,
            "special cause – concerning (high): "
            "2 of the last 3 points near the upper process limit",
        ),
        (
            ["9", "9.5", "10", "10.5", "11", "11.5"],
            HIGHER,
            "special cause – improving (high): 6 points in a row, each higher than the one before",
        ),
        (["11.5"], HIGHER, "common cause variation"),
        (STEP, Polarity.neither, "special cause – high: 8 points in a row above the mean"),
    ],
)
def test_the_description_says_why_the_latest_point_reads_as_it_does(
    tail, polarity, reading
) -> None:
    assert f"shows {reading}." in draw(BASELINE + tail, polarity).description


def test_the_id_is_stable_for_the_same_chart_and_differs_for_other_data() -> None:
    assert draw(BASELINE + STEP).id == draw(BASELINE + STEP).id
    assert draw(BASELINE + STEP).id != draw(BASELINE + ["20"]).id
    assert re.fullmatch(
        r"chart-households-in-temporary-accommodation-[0-9a-f]{8}", draw(BASELINE).id
    )


# Points


def test_there_is_one_marker_per_value_and_special_cause_points_change_shape() -> None:
    values = BASELINE + STEP
    root = parse(draw(values))

    drawn = markers(root)
    assert len(drawn) == len(values)
    assert drawn[:12] == [("common", "circle")] * 12
    assert drawn[12:] == [("improving", "rect")] * 8


def test_concerning_points_are_triangles_and_neither_points_diamonds() -> None:
    concerning = markers(parse(draw(BASELINE + STEP, LOWER)))
    neither = markers(parse(draw(BASELINE + STEP, Polarity.neither)))

    assert concerning[12:] == [("concerning", "path")] * 8
    assert neither[12:] == [("neither", "path")] * 8
    triangle = with_class(parse(draw(BASELINE + STEP, LOWER)), "gt-point--concerning")[0]
    diamond = with_class(parse(draw(BASELINE + STEP, Polarity.neither)), "gt-point--neither")[0]
    assert triangle.find(f"{SVG}path").get("d").count("L") == 2
    assert diamond.find(f"{SVG}path").get("d").count("L") == 3


def test_each_marker_has_a_tooltip_in_words() -> None:
    root = parse(draw(BASELINE + STEP))
    last = with_class(root, "gt-point")[-1]

    assert last.find(f"{SVG}title").text == (
        "November 2023: 12.5, Special cause – improving (high)"
    )


def test_the_legend_names_each_kind_of_point_that_is_drawn() -> None:
    root = parse(draw(BASELINE + ["15", "11.5", "15"]))
    legend = [" ".join(texts(item)) for item in with_class(root, "gt-legend")]

    assert legend == ["Common cause", "Special cause – improving"]


def test_the_table_lists_special_cause_points_with_their_rules_in_words() -> None:
    chart = draw(BASELINE + STEP + ["20"], target=D(12))

    assert chart.table_headers == ("Period", "Value", "Special cause", "Target")
    assert chart.table_rows[0] == ("April 2022", "12.0", "None (common cause)", "12.0")
    assert chart.table_rows[12] == (
        "April 2023",
        "13.0",
        "Special cause – improving (high): Run of 7 or more on one side of the mean",
        "12.0",
    )
    assert chart.table_rows[-1] == (
        "December 2023",
        "20.0",
        "Special cause – improving (high): Outside the process limits; "
        "Run of 7 or more on one side of the mean",
        "12.0",
    )


def test_trends_and_near_limit_points_are_named_in_the_table() -> None:
    trend = draw(BASELINE + ["9", "9.5", "10", "10.5", "11", "11.5"], LOWER)
    near = draw(BASELINE + ["15", "11.5", "15"])

    assert trend.table_rows[-1][2] == (
        "Special cause – concerning (high): Trend of 6 or more rising"
    )
    assert near.table_rows[-1][2] == (
        "Special cause – improving (high): 2 of 3 points near a process limit"
    )


# Lines


def line_of(root: ET.Element, slug: str) -> tuple[ET.Element, str]:
    (group,) = with_class(root, f"gt-line--{slug}")
    return group.find(f"{SVG}line"), " ".join(texts(group))


def test_mean_limits_and_target_are_drawn_and_named() -> None:
    root = parse(draw(BASELINE + STEP, target=D(12)))

    mean, mean_label = line_of(root, "mean")
    upper, upper_label = line_of(root, "upper-limit")
    lower, lower_label = line_of(root, "lower-limit")
    target, target_label = line_of(root, "target")
    assert (mean_label, upper_label, lower_label, target_label) == (
        "Mean",
        "Upper process limit",
        "Lower process limit",
        "Target",
    )
    assert mean.get("stroke-dasharray") is None
    assert upper.get("stroke-dasharray") == lower.get("stroke-dasharray") is not None
    assert target.get("stroke-dasharray") not in (None, upper.get("stroke-dasharray"))
    # Higher up the page is a smaller y.
    ys = [float(line.get("y1")) for line in (upper, target, mean, lower)]
    assert ys == sorted(ys)


def test_in_range_indicators_get_both_ends_of_the_range() -> None:
    chart = draw(BASELINE + STEP, Polarity.in_range, lower=D(9), upper=D(13))
    groups = with_class(parse(chart), "gt-line--target")

    assert [" ".join(texts(group)) for group in groups] == ["Range upper end", "Range lower end"]
    assert chart.table_headers[-1] == "Range"
    assert chart.table_rows[0][-1] == "9.0 to 13.0"
    assert chart.description.endswith("Range 9.0 to 13.0: hit and miss.")


def test_right_hand_labels_do_not_overlap_when_lines_are_close() -> None:
    root = parse(draw(BASELINE + STEP, target=D("11.1")))
    label_ys = sorted(
        float(group.find(f"{SVG}text").get("y")) for group in with_class(root, "gt-line")
    )

    assert all(b - a >= 16 for a, b in pairwise(label_ys))


# Not enough data, no data


def test_with_fewer_than_12_points_only_values_and_target_are_drawn_with_a_note() -> None:
    points = series("50", "52", "51", "53", "55", "54", "56", "57")
    chart = spc_chart(
        title="New indicator",
        points=points,
        chart=None,
        polarity=HIGHER,
        unit="%",
        precision=1,
        target=D(55),
        frequency="quarterly",
    )
    root = parse(chart)

    assert NOT_ENOUGH_DATA == "Not enough data for SPC (12 points needed)"
    assert NOT_ENOUGH_DATA in texts(root)
    assert markers(root) == [("value", "circle")] * 8
    assert not with_class(root, "gt-line--mean")
    assert line_of(root, "target")[1] == "Target"
    assert chart.table_headers == ("Period", "Value", "Target")
    assert chart.description == (
        "8 quarterly values from April 2022 to November 2022. "
        "Not enough data for SPC (12 points needed). The latest value is 57.0%. "
        "Target 55.0%."
    )


def test_one_value_and_no_values_still_draw() -> None:
    one = spc_chart(
        title="T", points=series("5"), chart=None, polarity=HIGHER, unit="", precision=0
    )
    none = spc_chart(title="T", points=[], chart=None, polarity=HIGHER, unit="", precision=0)

    assert len(markers(parse(one))) == 1
    assert one.description.startswith("1 value, for April 2022.")
    assert "No values yet" in texts(parse(none))
    assert none.table_rows == ()


def test_a_chart_of_another_series_is_refused() -> None:
    with pytest.raises(ValueError, match="same series"):
        spc_chart(
            title="T",
            points=series(*BASELINE[:-1]),
            chart=xmr([D(v) for v in BASELINE]),
            polarity=HIGHER,
            unit="",
            precision=0,
        )


# Axes


def tick_values(root: ET.Element) -> list[Decimal]:
    (axis,) = with_class(root, "gt-axis--y")
    return [D(re.sub(r"[^0-9.\-]", "", label)) for label in texts(axis)]


def is_nice_step(step: Decimal) -> bool:
    mantissa = step.scaleb(-step.adjusted()).normalize()
    return mantissa in (D(1), D(2), D("2.5"), D(5))


def test_y_axis_ticks_are_four_to_six_round_numbers_covering_every_line() -> None:
    root = parse(draw(BASELINE + STEP + ["20"], target=D(3)))
    ticks = tick_values(root)

    assert 4 <= len(ticks) <= 6
    steps = {b - a for a, b in pairwise(ticks)}
    assert len(steps) == 1 and is_nice_step(steps.pop())
    assert ticks[0] <= D(3) and ticks[-1] >= D(20)


def test_y_axis_labels_carry_the_unit() -> None:
    chart = draw(BASELINE + STEP, unit="%")
    (axis,) = with_class(parse(chart), "gt-axis--y")

    assert all(label.endswith("%") for label in texts(axis))


@given(
    low=st.decimals(min_value=-(10**6), max_value=10**6, places=3, allow_nan=False),
    span=st.decimals(min_value=D("0.001"), max_value=10**6, places=3, allow_nan=False),
)
def test_nice_ticks_cover_the_range_with_four_to_six_round_steps(low, span) -> None:
    ticks = nice_ticks(low, low + span)

    assert 4 <= len(ticks) <= 6
    assert ticks[0] <= low and ticks[-1] >= low + span
    steps = {b - a for a, b in pairwise(ticks)}
    assert len(steps) == 1 and is_nice_step(steps.pop())


def test_x_axis_labels_are_thinned_out_so_they_do_not_overlap_and_end_with_the_latest() -> None:
    values = [str(10 + i % 3) for i in range(54)]
    points = series(*values)
    chart = spc_chart(
        title="T",
        points=points,
        chart=xmr([v for _label, v in points]),
        polarity=HIGHER,
        unit="%",
        precision=1,
    )
    (axis,) = with_class(parse(chart), "gt-axis--x")
    labels = axis.findall(f"{SVG}text")

    assert 3 <= len(labels) < 54
    assert labels[-1].text == "Sept 2026"
    xs = [float(label.get("x")) for label in labels]
    assert min(b - a for a, b in pairwise(xs)) > 70  # "Sept 2026" is ~62px


def test_month_labels_are_shortened_the_gov_uk_way() -> None:
    assert short_label("September 2024") == "Sept 2024"
    assert short_label("June 2024") == "June 2024"
    assert short_label("January 2025") == "Jan 2025"
    assert short_label("Q1 2024/25") == "Q1 2024/25"
    assert short_label("2024/25") == "2024/25"


# Safety


def test_text_is_escaped() -> None:
    title = '<script>alert("x")</script> & more'
    points = [("<b>April</b>", D(1)), ("May & June", D(2))]
    chart = spc_chart(title=title, points=points, chart=None, polarity=HIGHER, unit="", precision=0)
    markup = str(chart.svg)
    root = ET.fromstring(markup)

    assert "<script>" not in markup and "<b>" not in markup
    assert root.find(f"{SVG}title").text == title
    assert "<b>April</b>" in texts(root)


def test_nothing_is_styled_inline() -> None:
    markup = str(draw(BASELINE + STEP, target=D(12)).svg)
    root = ET.fromstring(markup)

    assert "style" not in markup
    assert all("style" not in element.attrib for element in root.iter())


# The figure


def test_the_figure_partial_shows_caption_svg_and_a_data_table() -> None:
    chart = draw(BASELINE + STEP + ["20"], target=D(12))
    html = render_to_string("components/chart.html", {"chart": chart})

    assert f'<figure class="gt-chart" aria-labelledby="{chart.id}-caption-title">' in html
    assert f'id="{chart.id}-caption-title"' in html
    assert "Households in temporary accommodation</p>" in html
    assert "<svg " in html and f'aria-labelledby="{chart.id}-title {chart.id}-desc"' in html
    assert "Show the data as a table" in html
    table = html[html.index("<table") : html.index("</table>") + len("</table>")]
    caption = re.search(r"<caption[^>]*>(.*?)</caption>", table).group(1)
    assert caption == "Households in temporary accommodation: the data"
    headers = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table)
    assert headers == ["Period", "Value", "Special cause", "Target"]
    assert len(re.findall(r'<th scope="row"', table)) == 21
    assert "Outside the process limits" in table
    assert "govuk-table__cell--numeric" in table


def test_the_figure_partial_escapes_text() -> None:
    chart = spc_chart(
        title="<script>x</script>", points=[], chart=None, polarity=HIGHER, unit="", precision=0
    )
    html = render_to_string("components/chart.html", {"chart": chart})

    assert "<script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html


def test_a_chart_for_paper_is_drawn_once_with_its_points_as_one_path_a_kind():
    """A PDF lays out every element of an image: the paper drawing keeps the screen one's
    text and lines, and draws its points as one path for each kind, no point left out."""
    values = BASELINE + STEP
    screen, paper = draw(values), draw(values, paper=True)

    assert paper.narrow_svg == "" and screen.narrow_svg
    assert (paper.title, paper.description, paper.table_rows) == (
        screen.title,
        screen.description,
        screen.table_rows,
    )
    screen_root, paper_root = parse(screen), parse(paper)
    assert texts(paper_root) == texts(screen_root)
    points = with_class(paper_root, "gt-points")[0]
    paths = list(points.iter(f"{SVG}path"))
    by_colour = {path.get("fill"): path.get("d").count("M") for path in paths}
    kinds_on_screen = Counter(
        next(c for c in p.get("class").split() if c.startswith("gt-point--"))
        for p in with_class(screen_root, "gt-point")
    )
    assert sorted(by_colour.values()) == sorted(kinds_on_screen.values())
    assert sum(by_colour.values()) == len(values)
    assert len(paths) == len(kinds_on_screen) == 2  # common cause, and the step's rule 2 points
    assert not with_class(paper_root, "gt-point")  # no tooltips on paper
