import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from charts.sparkline import sparkline
from charts.svg import Chart
from status.spc import xmr

D = Decimal
SVG = "{http://www.w3.org/2000/svg}"
QUARTERS = [
    f"Q{q} {year}/{(year + 1) % 100:02d}" for year in (2022, 2023, 2024) for q in (1, 2, 3, 4)
]
VALUES = [D(v) for v in ("50", "52", "51", "53", "54", "52", "55", "53", "56", "54", "57", "55")]
POINTS = list(zip(QUARTERS, VALUES, strict=True))


def draw(points=POINTS, **options) -> Chart:
    options = {"unit": "%", "precision": 1, "frequency": "quarterly", **options}
    return sparkline(title="Rent collected", points=points, **options)


def parse(chart: Chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))


def with_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if name in e.get("class", "").split()]


def test_a_small_image_of_fixed_size_named_by_its_title_and_description() -> None:
    chart = draw()
    root = parse(chart)

    assert (root.get("width"), root.get("height"), root.get("viewBox")) == (
        "120",
        "30",
        "0 0 120 30",
    )
    assert root.get("role") == "img" and root.get("focusable") == "false"
    assert root.get("aria-labelledby") == f"{chart.id}-title {chart.id}-desc"
    assert root.find(f"{SVG}title").text == "Rent collected"
    assert (
        root.find(f"{SVG}desc").text
        == chart.description
        == ("Trend of 12 quarterly values from Q1 2022/23 to Q4 2024/25; latest 55.0%.")
    )


def test_the_line_has_a_vertex_per_value_and_the_latest_point_is_marked() -> None:
    root = parse(draw())
    (line,) = with_class(root, "gt-values")
    vertices = [tuple(map(float, pair.split(","))) for pair in line.get("points").split()]
    (latest,) = with_class(root, "gt-latest")

    assert len(vertices) == 12
    assert (float(latest.get("cx")), float(latest.get("cy"))) == vertices[-1]
    # The highest value (57.0%, the 11th) is nearest the top; the lowest (the first) the bottom.
    ys = [y for _x, y in vertices]
    assert ys.index(min(ys)) == 10 and ys.index(max(ys)) == 0
    assert all(0 <= y <= 30 for y in ys)


def test_the_process_limits_show_as_a_grey_band_only_when_given() -> None:
    chart = xmr(VALUES)
    with_band = draw(chart=chart)
    (band,) = with_class(parse(with_band), "gt-band")

    assert not with_class(parse(draw()), "gt-band")
    assert float(band.get("height")) > 0
    assert with_band.description.endswith(
        f"Process limits {chart.lower_process_limit:.1f}% to "
        f"{chart.upper_process_limit:.1f}% (the grey band)."
    )


def test_the_data_table_has_every_period() -> None:
    chart = draw()

    assert chart.table_headers == ("Period", "Value")
    assert chart.table_rows[0] == ("Q1 2022/23", "50.0%")
    assert chart.table_rows[-1] == ("Q4 2024/25", "55.0%")
    assert len(chart.table_rows) == 12
    html = render_to_string("components/chart.html", {"chart": chart})
    assert html.count('<th scope="row"') == 12


def test_one_value_a_flat_line_and_no_values_still_draw() -> None:
    one = draw(points=POINTS[:1])
    flat = draw(points=[(label, D(5)) for label in QUARTERS])
    empty = draw(points=[])

    assert len(with_class(parse(one), "gt-latest")) == 1
    assert one.description == "1 quarterly value, for Q1 2022/23: 50.0%."
    assert {
        pair.split(",")[1] for pair in with_class(parse(flat), "gt-values")[0].get("points").split()
    } == {"15"}
    assert empty.description == "No values yet."
    assert not with_class(parse(empty), "gt-values")


def test_a_chart_of_another_series_is_refused() -> None:
    with pytest.raises(ValueError, match="same series"):
        draw(points=POINTS[:-1], chart=xmr(VALUES))


def test_text_is_escaped_and_nothing_is_styled_inline() -> None:
    chart = sparkline(title="<script>x</script>", points=POINTS, unit="%", precision=1)
    markup = str(chart.svg)

    assert "<script>" not in markup and "style" not in markup
    assert parse(chart).find(f"{SVG}title").text == "<script>x</script>"
