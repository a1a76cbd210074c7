import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from charts.bars import comparison_bars
from charts.svg import Chart

D = Decimal
SVG = "{http://www.w3.org/2000/svg}"
ITEMS = [
    ("Northshire", D("61.9"), False),
    ("Eastbury", D("52.1"), False),
    ("Barnshire", D("42.5"), True),
    ("Westham", D("40.3"), False),
    ("Southport and Riverside Metropolitan Borough", D("37.7"), False),
]


def draw(items=ITEMS, **options) -> Chart:
    options = {"unit": "%", "precision": 1, "median": D("42.5"), **options}
    return comparison_bars(title="Household waste recycled, 2024/25", items=items, **options)


def parse(chart: Chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))


def with_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if name in e.get("class", "").split()]


def texts(element: ET.Element) -> list[str]:
    return [e.text for e in element.iter(f"{SVG}text")]


def test_the_svg_is_an_image_named_by_its_title_and_description() -> None:
    chart = draw()
    root = parse(chart)

    assert root.get("role") == "img" and root.get("focusable") == "false"
    assert root.get("aria-labelledby") == f"{chart.id}-title {chart.id}-desc"
    assert root.find(f"{SVG}title").text == "Household waste recycled, 2024/25"
    assert (
        root.find(f"{SVG}desc").text
        == chart.description
        == ("5 authorities compared, from 37.7% to 61.9%. Barnshire (us): 42.5%. Median 42.5%.")
    )


def test_a_bar_per_authority_as_long_as_its_value() -> None:
    root = parse(draw())
    bars = with_class(root, "gt-bar")
    widths = [float(bar.find(f"{SVG}rect").get("width")) for bar in bars]

    assert len(bars) == 5
    assert widths == sorted(widths, reverse=True)
    # Bars start at zero, so lengths are in proportion to the values.
    assert widths[0] / widths[-1] == pytest.approx(61.9 / 37.7, rel=0.01)


def test_our_council_is_hatched_and_named_in_bold_with_us() -> None:
    root = parse(draw())
    (ours,) = with_class(root, "gt-bar--us")
    bar, label = ours.find(f"{SVG}rect"), ours.find(f"{SVG}text")
    pattern_id = re.fullmatch(r"url\(#(.+)\)", bar.get("fill")).group(1)
    (pattern,) = [e for e in root.iter(f"{SVG}pattern") if e.get("id") == pattern_id]
    others = [b.find(f"{SVG}rect").get("fill") for b in with_class(root, "gt-bar") if b is not ours]

    assert label.text == "Barnshire (us)" and label.get("font-weight") == "bold"
    assert pattern.find(f"{SVG}line") is not None  # hatching, not just another colour
    assert len(set(others)) == 1 and not others[0].startswith("url(")


def test_the_median_is_a_named_line() -> None:
    root = parse(draw())
    (median,) = with_class(root, "gt-line--median")

    assert texts(median) == ["Median 42.5%"]
    assert median.find(f"{SVG}line").get("stroke-dasharray")
    assert not with_class(parse(draw(median=None)), "gt-line--median")


def test_values_are_written_at_the_bars_ends() -> None:
    (values,) = with_class(parse(draw()), "gt-values")

    assert texts(values) == ["61.9%", "52.1%", "42.5%", "40.3%", "37.7%"]


def test_the_axis_starts_at_zero_with_round_ticks() -> None:
    (axis,) = with_class(parse(draw()), "gt-axis--x")

    assert texts(axis) == ["0%", "20%", "40%", "60%", "80%"]


def test_long_names_are_shortened_in_the_picture_but_whole_in_the_table() -> None:
    chart = draw()
    labels = [bar.find(f"{SVG}text").text for bar in with_class(parse(chart), "gt-bar")]

    assert labels[4].endswith("…") and labels[4].startswith("Southport")
    assert chart.table_rows[4] == ("Southport and Riverside Metropolitan Borough", "37.7%")
    assert chart.table_rows[2] == ("Barnshire (us)", "42.5%")
    assert chart.table_headers == ("Authority", "Value")


def test_negative_values_and_no_values_still_draw() -> None:
    negative = parse(draw(items=[("A", D(-5), False), ("B", D(10), True)], median=None))
    empty = draw(items=[])

    assert len(with_class(negative, "gt-bar")) == 2
    assert empty.description == "No values to compare yet."


def test_text_is_escaped_and_nothing_is_styled_inline() -> None:
    chart = draw(items=[("<script>x</script>", D(1), True)])
    markup = str(chart.svg)

    assert "<script>" not in markup and "style" not in markup
    assert "<script>x</script> (us)" in texts(parse(chart))


def test_the_figure_partial_offers_the_table() -> None:
    html = render_to_string("components/chart.html", {"chart": draw()})

    assert "Show the data as a table" in html
    assert re.findall(r'<th scope="col"[^>]*>(.*?)</th>', html) == ["Authority", "Value"]
    assert '<th scope="row" class="govuk-table__header">Barnshire (us)</th>' in html
