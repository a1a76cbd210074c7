"""The rank chart, against hand-worked positions.

Five periods in groups of 61 and 60 (higher is better): 48th of 61 in 2018/19 (47 of the other
60 above us: a share of 0.78, bottom quartile), 35th of 61, 38th of 60 (lower-middle), 20th of 61
(0.32, upper-middle) and 12th of 60 in 2022/23 (11 of 59, 0.19: top quartile).
"""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from fractions import Fraction

import pytest
from django.template.loader import render_to_string
from hypothesis import given
from hypothesis import strategies as st

from charts import svg
from charts.ranks import EDGE_CLEARANCE, NARROW_WIDTH, RankPoint, ordinal, rank_chart
from charts.svg import Chart
from status.benchmark import Quartile, benchmark_position
from status.polarity import Polarity

SVG = "{http://www.w3.org/2000/svg}"
TITLE = "Household waste recycled (%): our rank in Test unitaries over time"
POINTS = [
    ("2018/19", 48, 61, Quartile.bottom, None),
    ("2019/20", 35, 61, Quartile.lower_middle, True),
    ("2020/21", 38, 60, Quartile.lower_middle, False),
    ("2021/22", 20, 61, Quartile.upper_middle, True),
    ("2022/23", 12, 60, Quartile.top, True),
]
BAND_NAMES = ["Top quartile", "Upper-middle quartile", "Lower-middle quartile", "Bottom quartile"]


def draw(points=POINTS, **options) -> Chart:
    return rank_chart(title=TITLE, points=points, **options)


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def with_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if name in e.get("class", "").split()]


def texts(element: ET.Element) -> list[str]:
    return [e.text for e in element.iter(f"{SVG}text")]


def centre(marker: ET.Element) -> tuple[float, float]:
    """A marker's centre: a circle's own, a diamond's from its path's corners."""
    if marker.tag == f"{SVG}circle":
        return float(marker.get("cx")), float(marker.get("cy"))
    corners = [
        tuple(map(float, pair.split(",")))
        for pair in re.findall(r"[-\d.]+,[-\d.]+", marker.get("d"))
    ]
    return (min(x for x, _ in corners) + max(x for x, _ in corners)) / 2, (
        min(y for _, y in corners) + max(y for _, y in corners)
    ) / 2


def point_markers(root: ET.Element) -> list[ET.Element]:
    return [
        next(child for child in group if child.tag != f"{SVG}title")
        for group in with_class(root, "gt-point")
    ]


# The document


def test_the_svg_is_an_image_named_by_its_title_and_description() -> None:
    chart = draw()
    root = parse(chart.svg)

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img" and root.get("focusable") == "false"
    assert root.get("aria-labelledby") == f"{chart.id}-title {chart.id}-desc"
    assert root.find(f"{SVG}title").get("id") == f"{chart.id}-title"
    assert root.find(f"{SVG}title").text == TITLE
    assert (
        root.find(f"{SVG}desc").text
        == chart.description
        == (
            "Ranked 12th of 60 in 2022/23, in the top quartile; up from 20th of 61 (upper-middle "
            "quartile) in 2021/22. 5 periods from 2018/19 to 2022/23, each placed by how far down "
            "its group we ranked (first at the top, last at the bottom), so groups of different "
            "sizes line up with the quartile bands."
        )
    )


def test_the_data_table_gives_every_period_oldest_first() -> None:
    chart = draw()

    assert chart.table_caption == f"{TITLE}: the data"
    assert chart.table_headers == ("Period", "Rank", "Out of", "Quartile")
    assert chart.table_rows == (
        ("2018/19", "48", "61", "Bottom quartile"),
        ("2019/20", "35", "61", "Lower-middle quartile"),
        ("2020/21", "38", "60", "Lower-middle quartile"),
        ("2021/22", "20", "61", "Upper-middle quartile"),
        ("2022/23", "12", "60", "Top quartile"),
    )
    assert chart.numeric_columns == (1, 2)


def test_the_figure_partial_offers_the_table() -> None:
    html = render_to_string("components/chart.html", {"chart": draw()})

    assert "Show the data as a table" in html
    assert re.findall(r'<th scope="col"[^>]*>(.*?)</th>', html) == [
        "Period",
        "Rank",
        "Out of",
        "Quartile",
    ]
    assert html.count('<th scope="row"') == 5
    assert 'class="gt-chart__narrow"' in html


# The bands


def test_the_four_quartile_bands_are_named_in_words_best_at_the_top() -> None:
    for markup in (draw().svg, draw().narrow_svg):
        bands = with_class(parse(markup), "gt-band")
        tops = [float(band.find(f"{SVG}rect").get("y")) for band in bands]

        assert [" ".join(texts(band)) for band in bands] == BAND_NAMES
        assert [band.get("class").split()[1] for band in bands] == [
            f"gt-band--{quartile.value}" for quartile in Quartile
        ]
        assert tops == sorted(tops)


FIVE = [
    ("2021/22", 1, 5, Quartile.top, None),
    ("2022/23", 2, 5, Quartile.top, None),  # a share of exactly a quarter: an edge
    ("2023/24", 3, 5, Quartile.upper_middle, False),
    ("2024/25", 4, 5, Quartile.lower_middle, False),
    ("2025/26", 5, 5, Quartile.bottom, False),
]


@pytest.mark.parametrize("points", [POINTS, FIVE], ids=["groups of 60", "a group of five"])
def test_each_point_is_drawn_inside_the_band_of_its_quartile_clear_of_its_edges(points) -> None:
    for markup in (draw(points).svg, draw(points).narrow_svg):
        root = parse(markup)
        bands = {
            band.get("class").split()[1].removeprefix("gt-band--"): band.find(f"{SVG}rect")
            for band in with_class(root, "gt-band")
        }
        ys = []
        for (_period, _rank, _of, quartile, _improving), marker in zip(
            points, point_markers(root), strict=True
        ):
            rect = bands[quartile.value]
            top = float(rect.get("y"))
            _x, y = centre(marker)
            ys.append(y)
            assert top + EDGE_CLEARANCE <= y <= top + float(rect.get("height")) - EDGE_CLEARANCE
        # Still in order: a better place is always drawn higher.
        ranks_by_place = sorted(
            range(len(points)), key=lambda i: Fraction(points[i][1] - 1, points[i][2] - 1)
        )
        assert [ys[i] for i in ranks_by_place] == sorted(ys)


@given(
    others=st.lists(st.integers(min_value=0, max_value=40), min_size=0, max_size=30),
    ours=st.integers(min_value=0, max_value=40),
    polarity=st.sampled_from([Polarity.higher_is_better, Polarity.lower_is_better]),
)
def test_a_share_of_the_group_decides_the_band_exactly_as_the_rules_decide_the_quartile(
    others, ours, polarity
) -> None:
    # STATUS-RULES: quartile by QUARTILE.INC, rank with ties sharing the best: a rank whose share
    # (rank − 1) ÷ (size − 1) is a quarter or less is the top quartile, and so on down, a share
    # on a band's edge in the better band. So the bands can be drawn at fixed heights.
    values = [Decimal(value) for value in [*others, ours]]
    position = benchmark_position(value=Decimal(ours), group_values=values, polarity=polarity)
    point = RankPoint("2024/25", position.rank, position.of, position.quartile, None)

    band = next(i for i, edge in enumerate((0.25, 0.5, 0.75, 1.0)) if point.share <= edge)
    assert [Quartile.top, Quartile.upper_middle, Quartile.lower_middle, Quartile.bottom][
        band
    ] == position.quartile


def test_quartiles_may_be_given_as_members_values_or_labels() -> None:
    given_as = [
        ("2022/23", 3, 4, "lower_middle", None),
        ("2023/24", 2, 4, "Upper-middle", True),
        ("2024/25", 1, 4, Quartile.top, True),
    ]

    assert [row[3] for row in draw(given_as).table_rows] == [
        "Lower-middle quartile",
        "Upper-middle quartile",
        "Top quartile",
    ]
    with pytest.raises(ValueError, match="not a quartile"):
        draw([("2024/25", 1, 4, "Best", None)])


# The points


def test_the_latest_point_is_told_apart_by_shape_and_words_not_colour_alone() -> None:
    root = parse(draw().svg)
    groups = with_class(root, "gt-point")
    shapes = [marker.tag.removeprefix(SVG) for marker in point_markers(root)]
    (latest_rank,) = with_class(root, "gt-rank--latest")
    legend = {group.get("class").split()[1]: group for group in with_class(root, "gt-legend")}

    assert shapes == ["circle"] * 4 + ["path"]  # a diamond
    assert groups[-1].get("class") == "gt-point gt-point--latest"
    assert texts(latest_rank) == ["12th"]
    assert latest_rank.find(f"{SVG}text").get("font-weight") == "bold"
    assert texts(legend["gt-legend--latest"]) == ["Latest: 12th of 60 in 2022/23"]
    assert legend["gt-legend--latest"].find(f"{SVG}path") is not None  # the diamond again
    assert texts(legend["gt-legend--earlier"]) == ["Earlier periods"]
    assert legend["gt-legend--earlier"].find(f"{SVG}circle") is not None
    # Each point's own name, for a pointer.
    assert [group.find(f"{SVG}title").text for group in groups][-2:] == [
        "2021/22: 20th of 61, upper-middle quartile, a better quartile than the period before",
        "2022/23: 12th of 60, top quartile, a better quartile than the period before",
    ]


def test_points_are_joined_by_a_line_higher_for_a_better_place() -> None:
    root = parse(draw().svg)
    (line,) = with_class(root, "gt-values")
    vertices = [tuple(map(float, pair.split(","))) for pair in line.get("points").split()]

    assert len(vertices) == 5
    assert vertices == [centre(marker) for marker in point_markers(root)]
    xs, ys = [x for x, _ in vertices], [y for _, y in vertices]
    assert xs == sorted(xs)
    # 48th of 61 lowest, 12th of 60 highest; 35th of 61 above 38th of 60.
    assert ys.index(max(ys)) == 0 and ys.index(min(ys)) == 4 and ys[1] < ys[2]


def test_each_period_is_named_with_its_groups_size() -> None:
    (axis,) = with_class(parse(draw().svg), "gt-axis--x")

    assert texts(axis) == [
        "2018/19",
        "of 61",
        "2019/20",
        "of 61",
        "2020/21",
        "of 60",
        "2021/22",
        "of 61",
        "2022/23",
        "of 60",
    ]


def test_ranks_are_written_by_their_points_never_over_one_another() -> None:
    twelve = [
        (f"{2012 + i}/{13 + i}", rank, 60 + i % 3, None, None)
        for i, rank in enumerate([1, 5, 9, 14, 16, 20, 29, 33, 40, 50, 59, 12])
    ]
    for chart in (draw(), draw([(*p[:3], "Top", None) for p in twelve])):
        for markup in (chart.svg, chart.narrow_svg):
            root = parse(markup)
            patches = [
                (
                    float(r.get("x")),
                    float(r.get("y")),
                    float(r.get("width")),
                    float(r.get("height")),
                )
                for r in (group.find(f"{SVG}rect") for group in with_class(root, "gt-rank"))
            ]

            assert len(with_class(root, "gt-rank--latest")) == 1
            for i, (x, y, w, h) in enumerate(patches):
                for x2, y2, w2, h2 in patches[i + 1 :]:
                    assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y


# Ties, one point, no quartile, changing groups


def test_a_shared_rank_is_joint_in_words_table_and_picture() -> None:
    chart = draw(
        [("2023/24", 3, 5, "Upper-middle", None), RankPoint("2024/25", 2, 5, "Top", True, True)]
    )

    assert chart.description.startswith(
        "Ranked joint 2nd of 5 in 2024/25, in the top quartile; up from 3rd of 5 "
        "(upper-middle quartile) in 2023/24."
    )
    assert chart.table_rows[1] == ("2024/25", "2 (joint)", "5", "Top quartile")
    assert texts(with_class(parse(chart.svg), "gt-rank--latest")[0]) == ["joint 2nd"]


def test_two_periods_at_the_same_rank_are_the_same() -> None:
    chart = draw(
        [("2023/24", 3, 5, "Upper-middle", None), ("2024/25", 3, 5, "Upper-middle", False)]
    )

    assert "; the same as 3rd of 5 in 2023/24." in chart.description
    ys = {centre(marker)[1] for marker in point_markers(parse(chart.svg))}
    assert len(ys) == 1


def test_one_period_is_one_latest_point_and_one_sentence() -> None:
    chart = draw([("2025/26", 3, 4, Quartile.lower_middle, None)])
    root = parse(chart.svg)

    assert chart.description == "Ranked 3rd of 4 in 2025/26, in the lower-middle quartile."
    assert [m.tag for m in point_markers(root)] == [f"{SVG}path"]
    assert not with_class(root, "gt-values")
    assert not with_class(root, "gt-legend--earlier")
    assert chart.table_rows == (("2025/26", "3", "4", "Lower-middle quartile"),)


def test_a_group_of_one_puts_us_first() -> None:
    chart = draw([("2025/26", 1, 1, Quartile.top, None)])
    (band,) = [b for b in with_class(parse(chart.svg), "gt-band--top")]
    top = float(band.find(f"{SVG}rect").get("y"))

    assert chart.description == "Ranked 1st of 1 in 2025/26, in the top quartile."
    assert centre(point_markers(parse(chart.svg))[0])[1] == pytest.approx(top + EDGE_CLEARANCE)


def test_with_no_better_direction_there_are_no_quartile_bands_only_highest_and_lowest() -> None:
    chart = draw([("2022/23", 5, 16, None, None), ("2023/24", 7, 16, None, None)])
    root = parse(chart.svg)

    assert chart.description == (
        "Ranked 7th highest of 16 in 2023/24 (no quartile: no better direction); down from 5th "
        "highest of 16 in 2022/23. 2 periods from 2022/23 to 2023/24, each placed by how far "
        "down its group we ranked (first at the top, last at the bottom), so groups of different "
        "sizes can be compared."
    )
    assert chart.table_rows[1] == ("2023/24", "7", "16", "No quartile (no better direction)")
    assert not with_class(root, "gt-band")
    assert texts(with_class(root, "gt-axis--y")[0]) == ["Highest", "Lowest"]
    assert "quartile" not in " ".join(texts(root)).lower()


def test_a_period_without_a_quartile_among_periods_with_one() -> None:
    chart = draw([("2022/23", 2, 5, "Top", None), ("2023/24", 2, 5, None, None)])

    assert chart.description.startswith(
        "Ranked 2nd of 5 in 2023/24, with no quartile; the same as 2nd of 5 (top quartile) in "
        "2022/23."
    )
    assert chart.table_rows[1][3] == "No quartile"
    assert len(with_class(parse(chart.svg), "gt-band")) == 4


def test_movement_is_judged_by_place_in_the_group_not_the_bare_rank() -> None:
    # 10th of 30 is 9 of 29 above us (0.31); 12th of 60 is 11 of 59 (0.19): a better place.
    up = draw([("2022/23", 10, 30, "Upper-middle", None), ("2023/24", 12, 60, "Top", True)])
    # 4th of 10 (0.33) to 4th of 7 (0.5): the same rank, a worse place.
    down = draw([("2022/23", 4, 10, "Upper-middle", None), ("2023/24", 4, 7, "Upper-middle", None)])
    # 3rd of 5 and 5th of 9: both halfway down.
    level = draw([("2022/23", 3, 5, "Upper-middle", None), ("2023/24", 5, 9, "Upper-middle", None)])

    assert "; up from 10th of 30 (upper-middle quartile) in 2022/23." in up.description
    assert "; down from 4th of 10 in 2022/23." in down.description
    assert "; level with 3rd of 5 in 2022/23." in level.description
    ys = [centre(m)[1] for m in point_markers(parse(level.svg))]
    assert ys[0] == pytest.approx(ys[1])


def test_no_positions_and_a_rank_outside_its_group() -> None:
    empty = draw([])

    assert empty.description == "No positions yet."
    assert texts(parse(empty.svg)) == ["No positions yet"]
    with pytest.raises(ValueError, match="not a place in the group"):
        draw([("2024/25", 6, 5, "Bottom", None)])
    with pytest.raises(ValueError, match="not a place in the group"):
        draw([("2024/25", 0, 5, "Top", None)])


def test_ordinals() -> None:
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111, 112, 113)] == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
        "23rd",
        "101st",
        "111th",
        "112th",
        "113th",
    ]


# At every width (decision 0017)


def test_the_narrow_drawing_keeps_its_text_at_12_px_and_inside_its_edges() -> None:
    chart = draw()
    narrow, wide = parse(chart.narrow_svg), parse(chart.svg)

    assert narrow.get("viewBox").split()[2] == str(NARROW_WIDTH)
    assert narrow.get("aria-labelledby") == f"{chart.id}-narrow-title {chart.id}-narrow-desc"
    assert narrow.find(f"{SVG}desc").text == chart.description
    # 14-unit text: at least 12 px in the 290 px box of a 320 px screen, and in the 620 px from
    # which the wide drawing is shown.
    assert all(
        float(t.get("font-size", narrow.get("font-size"))) == 14 for t in narrow.iter(f"{SVG}text")
    )
    assert 14 * 290 / NARROW_WIDTH >= 12 and 14 * 620 / 720 >= 12
    for root in (narrow, wide):
        width = float(root.get("viewBox").split()[2])
        for text in root.iter(f"{SVG}text"):
            x, length = float(text.get("x")), svg.text_width(text.text)
            start = {"start": x, "middle": x - length / 2, "end": x - length}[
                text.get("text-anchor", "start")
            ]
            assert start >= 0 and start + length <= width + 1, text.text


def test_the_narrow_drawing_wraps_the_band_names() -> None:
    bands = with_class(parse(draw().narrow_svg), "gt-band")

    assert [texts(band) for band in bands][1:3] == [
        ["Upper-middle", "quartile"],
        ["Lower-middle", "quartile"],
    ]


def test_text_is_escaped_and_nothing_is_styled_inline() -> None:
    chart = rank_chart(title="<script>x</script>", points=[("<b>2024</b>", 1, 2, "Top", None)])
    markup = str(chart.svg) + str(chart.narrow_svg)

    assert "<script>" not in markup and "<b>" not in markup and "style" not in markup
    assert parse(chart.svg).find(f"{SVG}title").text == "<script>x</script>"
