"""The council's rank in its comparator group over time, against the four quartile bands.

Groups change size from year to year (a council stops publishing, two merge), so each period
is placed by how far down its group we ranked: ``(rank − 1) ÷ (size − 1)``, first at the top
and last at the bottom. By the benchmarking rules (percentiles by QUARTILE.INC, ties sharing the
best rank) that share alone decides the quartile: a quarter or less is the top quartile, up to a
half the upper-middle, and so on, a share on a band's edge belonging to the better band. So the
four bands are drawn at fixed heights and every point sits in its own quartile's band, whatever
the size of its group. Within its band a point is placed by its share, kept clear of the band's
edges: in a group of five, 2nd, 3rd and 4th are exactly on the edges, and would otherwise be
drawn on the line between two quartiles.

The bands are named in words at the left (their shading only tells them apart); each point is
a grey circle with its rank written beside it (where that is clear of the line and the other
ranks), the latest a larger dark blue diamond with its rank in bold, and a legend above names
both shapes and gives the latest rank in full. The group's size is written under each period.
"""

import math
from collections.abc import Iterable
from fractions import Fraction
from itertools import pairwise
from typing import NamedTuple

from django.utils.html import mark_safe

from status.benchmark import Quartile

from . import svg
from .svg import Chart, Shape

NO_POSITIONS = "No positions yet"
NO_DIRECTION = "no better direction"

# Best first, as drawn from the top; a band's label is its quartile's own label.
BANDS = (Quartile.top, Quartile.upper_middle, Quartile.lower_middle, Quartile.bottom)
# Only to tell neighbouring bands apart (their names say which is which): GOV.UK light grey.
LIGHT_GREY = "#f3f2f1"
BAND_FILLS = (LIGHT_GREY, svg.WHITE, LIGHT_GREY, svg.WHITE)

LEAST_BAND_HEIGHT = 30  # a band's name, with room around it
LABEL_GAP = 10  # between the band names and the plot
POINT_LABEL_GAP = 12  # least room between two points' rank labels
LEGEND_ROW = 22
LEGEND_LINE = 18  # a wrapped legend item's second line
BAND_LINE = 17  # a wrapped band name's second line
ABOVE_PLOT = 22  # room above the top band for the rank of a point ranked first
BELOW_PLOT = 48  # the period and the group's size under the plot
EARLIER_SIZE = 10
LATEST_SIZE = 16
EDGE_CLEARANCE = 10  # between a band's edge and the nearest a point is drawn to it

# The narrow drawing, for a phone: 320 units wide like the other charts' (its 14-unit text
# stays at 12 px or more in the 290 px a 320 px screen leaves it), the band names wrapped onto
# two lines and taller bands to hold them.
NARROW_WIDTH = svg.NARROW_WIDTH
NARROW_BAND_HEIGHT = 56


class RankPoint(NamedTuple):
    """One period's position: rank ``rank`` of ``of`` (1 = best; for a measure with no better
    direction, the highest), its quartile (a ``Quartile``, its value or its label; None when
    there is none), whether the quartile is better than the period before (None if not known),
    and whether another council shares the rank."""

    period: str
    rank: int
    of: int
    quartile: Quartile | str | None
    is_improving: bool | None
    is_tied: bool = False

    @property
    def share(self) -> Fraction:
        """How far down the group: 0 first, 1 last."""
        return Fraction(self.rank - 1, self.of - 1) if self.of > 1 else Fraction(0)


def _band_and_depth(point: RankPoint) -> tuple[int, Fraction]:
    """Which quarter of the group the point is in (0 the top; a share on an edge belongs to the
    better quarter), and how far down that quarter, 0 to 1."""
    band = max(math.ceil(point.share * 4) - 1, 0)
    return band, point.share * 4 - band


def rank_chart(
    *,
    title: str,
    points: Iterable[tuple],
    width: int = 720,
    height: int = 300,
) -> Chart:
    """The council's rank over time, oldest first: each point (period, rank, of, quartile,
    is_improving), optionally with is_tied (another council shares the rank), or a
    ``RankPoint``.

    A chart where no period has a quartile (a measure with no better direction) names its top
    and bottom "Highest" and "Lowest" instead of drawing quartile bands. ``height`` is the wide
    drawing's; the narrow one's is its own, its bands tall enough for their wrapped names."""
    points = [_point(point) for point in points]
    directional = any(point.quartile is not None for point in points)
    description = _describe(points, directional)
    rows = tuple(
        (
            point.period,
            f"{point.rank} (joint)" if point.is_tied else str(point.rank),
            str(point.of),
            _quartile_words(point, directional),
        )
        for point in points
    )
    chart_id = svg.chart_id(title, rows)
    wide, narrow_svg = svg.drawn_twice(
        chart_id,
        title=title,
        description=description,
        width=width,
        draw=lambda _variant, box_width, narrow: _draw(
            points, directional, box_width, height, narrow=narrow
        ),
    )
    return Chart(
        svg=wide,
        narrow_svg=narrow_svg,
        title=title,
        description=description,
        table_caption=f"{title}: the data",
        table_headers=("Period", "Rank", "Out of", "Quartile"),
        table_rows=rows,
        id=chart_id,
        numeric_columns=(1, 2),
    )


def _point(point: tuple) -> RankPoint:
    point = RankPoint(*point)
    if not 1 <= point.rank <= point.of:
        raise ValueError(f"rank {point.rank} of {point.of} is not a place in the group")
    return point._replace(period=str(point.period), quartile=_quartile(point.quartile))


def _quartile(value: Quartile | str | None) -> Quartile | None:
    if value is None:
        return None
    for quartile in Quartile:
        if value in (quartile.value, quartile.label):
            return quartile
    raise ValueError(f"not a quartile: {value!r}")


# Words


def ordinal(number: int) -> str:
    """``1`` → ``1st``, ``12`` → ``12th``, ``22`` → ``22nd``."""
    if number % 100 in (11, 12, 13):
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


def _rank_words(point: RankPoint) -> str:
    """``12th``, or ``joint 12th`` when another council shares the rank."""
    return f"joint {ordinal(point.rank)}" if point.is_tied else ordinal(point.rank)


def _place(point: RankPoint, directional: bool) -> str:
    highest = "" if directional else " highest"
    return f"{_rank_words(point)}{highest} of {point.of}"


def _quartile_words(point: RankPoint, directional: bool) -> str:
    if point.quartile is not None:
        return f"{point.quartile.label} quartile"
    return "No quartile" if directional else f"No quartile ({NO_DIRECTION})"


def _describe(points: list[RankPoint], directional: bool) -> str:
    if not points:
        return f"{NO_POSITIONS}."
    latest = points[-1]
    words = f"Ranked {_place(latest, directional)} in {latest.period}"
    if latest.quartile is not None:
        words += f", in the {latest.quartile.label.lower()} quartile"
    elif directional:
        words += ", with no quartile"
    else:
        words += f" (no quartile: {NO_DIRECTION})"
    sentences = []
    if len(points) > 1:
        before = points[-2]
        if (before.rank, before.of) == (latest.rank, latest.of):
            movement = "the same as"
        elif latest.share < before.share:
            movement = "up from"
        elif latest.share > before.share:
            movement = "down from"
        else:
            movement = "level with"  # the same share of a group of another size
        earlier = _place(before, directional)
        if before.quartile is not None and before.quartile != latest.quartile:
            earlier += f" ({before.quartile.label.lower()} quartile)"
        sentences.append(f"{words}; {movement} {earlier} in {before.period}.")
        lined_up = "line up with the quartile bands" if directional else "can be compared"
        sentences.append(
            f"{len(points)} periods from {points[0].period} to {latest.period}, each placed by "
            "how far down its group we ranked (first at the top, last at the bottom), so groups "
            f"of different sizes {lined_up}."
        )
    else:
        sentences.append(f"{words}.")
    return " ".join(sentences)


def _point_title(point: RankPoint, directional: bool) -> str:
    words = f"{point.period}: {_place(point, directional)}"
    if point.quartile is not None:
        words += f", {point.quartile.label.lower()} quartile"
    if point.is_improving:
        words += ", a better quartile than the period before"
    return words


# Drawing


def _legend(points: list[RankPoint], directional: bool, width: float) -> tuple[list[str], float]:
    """The two kinds of point named across the top, wrapping; and the legend's height."""
    latest = points[-1]
    entries = [
        (
            Shape.diamond,
            LATEST_SIZE * 0.8,
            svg.DARK_BLUE,
            f"Latest: {_place(latest, directional)} in {latest.period}",
            "gt-legend gt-legend--latest",
        )
    ]
    if len(points) > 1:
        entries.append(
            (
                Shape.circle,
                EARLIER_SIZE,
                svg.GREY,
                "Earlier periods",
                "gt-legend gt-legend--earlier",
            )
        )
    indent = 20
    items, x, row_top, height = [], 0.0, 0.0, 0.0
    for shape, size, fill, words, class_ in entries:
        rows = svg.wrap(words, width - indent)
        item_width = indent + max(svg.text_width(row) for row in rows) + 24
        if x and x + item_width > width:
            x, row_top = 0.0, height
        middle = row_top + LEGEND_ROW / 2
        items.append(
            svg.group(
                [
                    svg.marker(shape, x + 7, middle, size=size, fill=fill),
                    *(
                        svg.text(x + indent, middle + i * LEGEND_LINE, row, middle=True)
                        for i, row in enumerate(rows)
                    ),
                ],
                class_=class_,
            )
        )
        x += item_width
        height = max(height, row_top + LEGEND_ROW + (len(rows) - 1) * LEGEND_LINE)
    return items, height


def _labelled(count: int, spacing: float, widest: float) -> list[int]:
    """Every Nth point, counted back from the latest, so that no two labels overlap."""
    step = max(1, math.ceil((widest + POINT_LABEL_GAP) / spacing)) if spacing else count
    return [index for index in range(count) if (count - 1 - index) % step == 0]


def _draw(
    points: list[RankPoint], directional: bool, width: int, height: int, *, narrow: bool
) -> tuple[list[str], int]:
    """The chart's body, and its height (the narrow drawing's is its own)."""
    if not points:
        height = 4 * NARROW_BAND_HEIGHT if narrow else height
        return [svg.text(width / 2, height / 2, NO_POSITIONS, anchor="middle", middle=True)], height

    legend, legend_height = _legend(points, directional, width)
    top = legend_height + ABOVE_PLOT
    if narrow:
        band_height = NARROW_BAND_HEIGHT
    else:
        band_height = max((height - top - BELOW_PLOT) / 4, LEAST_BAND_HEIGHT)
    bottom = top + 4 * band_height
    height = math.ceil(bottom + BELOW_PLOT)

    if directional:
        names = [f"{quartile.label} quartile" for quartile in BANDS]
    else:
        names = ["Highest", "Lowest"]
    widest_name = max(svg.text_width(name) for name in names)
    # Narrow: as wide as the longest word, each name wrapped onto lines that fit.
    longest_word = max(svg.text_width(word) for name in names for word in name.split())
    room = longest_word if narrow else widest_name
    left = room + LABEL_GAP + 2  # clear of the left edge
    right = width - 2

    periods = [point.period for point in points]
    sizes = [f"of {point.of}" for point in points]
    ranks = [_rank_words(point) for point in points]
    widest = max(svg.text_width(words, bold=True) for words in [*periods, *sizes, *ranks])
    # Far enough in from the plot's sides that the first and last labels, centred on their
    # points, stay inside it.
    padding = widest / 2 + 4
    count = len(points)
    spacing = (right - left - 2 * padding) / (count - 1) if count > 1 else 0.0

    def x_of(index: int) -> float:
        return left + padding + index * spacing if count > 1 else (left + right) / 2

    def y_of(point: RankPoint) -> float:
        if not directional:
            return top + point.share * (bottom - top)
        band, depth = _band_and_depth(point)
        inset = min(EDGE_CLEARANCE, band_height / 4)
        return top + band * band_height + inset + float(depth) * (band_height - 2 * inset)

    parts = list(legend)

    # The bands (or, with no better direction, the plot's top and bottom), named at the left.
    axis = []
    if directional:
        for index, (quartile, fill, name) in enumerate(zip(BANDS, BAND_FILLS, names, strict=True)):
            band_top = top + index * band_height
            rows = svg.wrap(name, room)
            first = band_top + band_height / 2 - (len(rows) - 1) * BAND_LINE / 2
            axis.append(
                svg.group(
                    [
                        svg.tag(
                            "rect",
                            x=left,
                            y=band_top,
                            width=right - left,
                            height=band_height,
                            fill=fill,
                        ),
                        *(
                            svg.text(
                                left - LABEL_GAP,
                                first + i * BAND_LINE,
                                row,
                                anchor="end",
                                middle=True,
                            )
                            for i, row in enumerate(rows)
                        ),
                    ],
                    class_=f"gt-band gt-band--{quartile.value}",
                )
            )
        axis += [
            svg.line(
                left,
                top + i * band_height,
                right,
                top + i * band_height,
                stroke=svg.GREY,
                dash=svg.DASHED,
            )
            for i in (1, 2, 3)
        ]
    else:
        axis += [
            svg.text(left - LABEL_GAP, top, names[0], anchor="end", middle=True),
            svg.text(left - LABEL_GAP, bottom, names[1], anchor="end", middle=True),
            svg.line(left, top, right, top, stroke=svg.GRID),
        ]
    axis.append(svg.line(left, bottom, right, bottom, stroke=svg.GREY))
    parts.append(svg.group(axis, class_="gt-axis gt-axis--y"))

    labelled = _labelled(count, spacing, widest)

    # Each labelled period, with its group's size under it.
    periods_axis = []
    for index in labelled:
        x = x_of(index)
        periods_axis += [
            svg.line(x, bottom, x, bottom + 5, stroke=svg.GREY),
            svg.text(x, bottom + 20, periods[index], anchor="middle", fill=svg.SECONDARY_TEXT),
            svg.text(x, bottom + 38, sizes[index], anchor="middle", fill=svg.SECONDARY_TEXT),
        ]
    parts.append(svg.group(periods_axis, class_="gt-axis gt-axis--x"))

    coordinates = [(x_of(index), y_of(point)) for index, point in enumerate(points)]
    if count > 1:
        parts.append(svg.polyline(coordinates, stroke=svg.GREY, class_="gt-values"))

    # Ranks written beside their points (above if that is clear of the line, else below, right,
    # left or at a corner), each on a white patch; the latest's first. A rank with no clear place
    # is left to the table, except the latest's, which goes where it clashes least.
    latest_index = count - 1
    segments = list(pairwise(coordinates))
    taken = [
        _box(x, y, (LATEST_SIZE if i == latest_index else EARLIER_SIZE) * 0.65)
        for i, (x, y) in enumerate(coordinates)
    ]
    # Clear of the legend above and of the periods' names below.
    bounds = (left, top - ABOVE_PLOT + 2, right, bottom + 9)
    labels = []
    for index in sorted(labelled, key=lambda i: (i != latest_index, -i)):
        x, y = coordinates[index]
        is_latest = index == latest_index
        words = ranks[index]
        reach = (LATEST_SIZE if is_latest else EARLIER_SIZE) / 2 + 3
        length = svg.text_width(words, bold=is_latest)
        places = [
            place
            for place in (_label_place(x, y, length, reach, side) for side in SIDES)
            if _inside(place[0], bounds)
        ]

        def clashes(place) -> int:
            return sum(_overlap(place[0], box) for box in taken) + sum(
                _crosses(place[0], a, b) for a, b in segments
            )

        best = min(places, key=clashes, default=None)  # the first of the clearest
        if not is_latest and (best is None or clashes(best)):
            continue
        box, text_x, middle, anchor = best or _label_place(x, y, length, reach, "above")
        taken.append(box)
        labels.append(
            svg.group(
                [
                    svg.tag(
                        "rect",
                        x=box[0],
                        y=box[1],
                        width=box[2] - box[0],
                        height=box[3] - box[1],
                        fill=svg.WHITE,
                    ),
                    svg.text(
                        text_x,
                        middle,
                        words,
                        anchor=anchor,
                        middle=True,
                        weight="bold" if is_latest else None,
                    ),
                ],
                class_="gt-rank gt-rank--latest" if is_latest else "gt-rank",
            )
        )
    parts.append(svg.group(labels, class_="gt-ranks"))

    markers = []
    for index, (point, (x, y)) in enumerate(zip(points, coordinates, strict=True)):
        is_latest = index == latest_index
        markers.append(
            svg.tag(
                "g",
                svg.tag("title", _point_title(point, directional)),
                svg.marker(
                    Shape.diamond if is_latest else Shape.circle,
                    x,
                    y,
                    size=LATEST_SIZE if is_latest else EARLIER_SIZE,
                    fill=svg.DARK_BLUE if is_latest else svg.GREY,
                ),
                class_="gt-point gt-point--latest" if is_latest else "gt-point gt-point--earlier",
            )
        )
    parts.append(svg.group(markers, class_="gt-points"))
    return [mark_safe("".join(parts))], height


# Placing the ranks

Box = tuple[float, float, float, float]  # left, top, right, bottom
SIDES = (
    "above",
    "below",
    "right",
    "left",
    "above right",
    "below left",
    "above left",
    "below right",
)


def _box(x: float, y: float, half: float) -> Box:
    return (x - half, y - half, x + half, y + half)


def _label_place(
    x: float, y: float, length: float, reach: float, side: str
) -> tuple[Box, float, float, str]:
    """A rank's patch, and its text's x, middle and anchor, on one side of its point."""
    if " " in side:  # a corner: clear of a line that slopes the other way
        upright, across = side.split()
        middle = y - reach - 8 if upright == "above" else y + reach + 8
        if across == "right":
            return (x + 2, middle - 9, x + length + 6, middle + 9), x + 4, middle, "start"
        return (x - length - 6, middle - 9, x - 2, middle + 9), x - 4, middle, "end"
    if side in ("above", "below"):
        middle = y - reach - 9 if side == "above" else y + reach + 9
        return (x - length / 2 - 2, middle - 9, x + length / 2 + 2, middle + 9), x, middle, "middle"
    if side == "right":
        return (x + reach, y - 9, x + reach + length + 4, y + 9), x + reach + 2, y, "start"
    return (x - reach - length - 4, y - 9, x - reach, y + 9), x - reach - 2, y, "end"


def _inside(box: Box, bounds: Box) -> bool:
    return (
        box[0] >= bounds[0] and box[1] >= bounds[1] and box[2] <= bounds[2] and box[3] <= bounds[3]
    )


def _overlap(one: Box, other: Box) -> bool:
    return one[0] < other[2] and other[0] < one[2] and one[1] < other[3] and other[1] < one[3]


def _crosses(box: Box, a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Whether the segment from ``a`` to ``b`` passes through ``box`` (Liang–Barsky)."""
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    enter, leave = 0.0, 1.0
    for p, q in ((-dx, ax - box[0]), (dx, box[2] - ax), (-dy, ay - box[1]), (dy, box[3] - ay)):
        if p == 0:
            if q < 0:
                return False
        elif p < 0:
            enter = max(enter, q / p)
        else:
            leave = min(leave, q / p)
    return enter <= leave
