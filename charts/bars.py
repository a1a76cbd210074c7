"""Horizontal bars comparing one value across authorities, ours picked out.

Our council's bar is hatched (not just another colour) and its label is bold with "(us)"; a
median line is drawn dotted and named, and the quartile boundaries (P25, P75), when given, dashed
and named.
"""

from decimal import Decimal
from functools import lru_cache

from django.utils.html import mark_safe

from status.numbers import format_value

from . import svg
from .svg import Chart

ROW = 28
BAR = 18
LABEL_GAP = 10
MOST_LABEL_WIDTH = 240
US = " (us)"
# The narrow drawing, for a phone: 320 units wide (its 14-unit text stays at 12 px or more in the
# 290 px a 320 px screen leaves it), each authority's name above its bar, not beside it.
NARROW_WIDTH = svg.NARROW_WIDTH
NARROW_ROW = 46
NARROW_LABEL = 14  # from a narrow row's top to the middle of its name


def comparison_bars(
    *,
    title: str,
    items: list[tuple[str, Decimal, bool]],
    unit: str,
    precision: int,
    median: Decimal | None = None,
    quartiles: tuple[Decimal, Decimal] | None = None,
    width: int = 720,
) -> Chart:
    """A bar per (label, value, is_us), in the order given (for example ranked); `quartiles`
    are the group's P25 and P75, drawn as named dashed lines.

    Drawn once for the same inputs and kept (`_drawn`): a county's group is hundreds of
    councils, and the indicator page draws the same chart until new figures are published."""
    items = tuple((str(label), value, is_us) for label, value, is_us in items)
    quartiles = tuple(quartiles) if quartiles is not None else None
    return _drawn(title, items, unit, precision, median, quartiles, width)


# Each kept drawing is its two documents, about 150 KB for a group of every English council.
@lru_cache(maxsize=64)
def _drawn(title, items, unit, precision, median, quartiles, width) -> Chart:
    def shown(value: Decimal) -> str:
        return format_value(value, precision, unit)

    rows = tuple((_named(label, is_us), shown(value)) for label, value, is_us in items)
    chart_id = svg.chart_id(title, rows)
    description = _describe(items, median, shown, quartiles)
    # Quartile names sit on a line of their own above the median's.
    above = 48 if quartiles is not None else 30

    def draw(variant: str, box_width: int, narrow: bool):
        height = above + (NARROW_ROW if narrow else ROW) * len(items) + 34
        body = _draw(
            variant,
            items,
            median,
            unit,
            shown,
            box_width,
            above,
            height,
            narrow=narrow,
            quartiles=quartiles,
        )
        return body, height

    wide, narrow_svg = svg.drawn_twice(
        chart_id, title=title, description=description, width=width, draw=draw
    )
    return Chart(
        svg=wide,
        narrow_svg=narrow_svg,
        title=title,
        description=description,
        table_caption=f"{title}: the data",
        table_headers=("Authority", "Value"),
        table_rows=rows,
        id=chart_id,
        numeric_columns=(1,),
    )


def _named(label: str, is_us: bool) -> str:
    return f"{label}{US}" if is_us else label


def _describe(items, median, shown, quartiles=None) -> str:
    if not items:
        return "No values to compare yet."
    values = [value for _label, value, _us in items]
    words = [
        f"{len(items)} authorities compared, from {shown(min(values))} to {shown(max(values))}."
    ]
    words += [f"{label}{US}: {shown(value)}." for label, value, is_us in items if is_us]
    if median is not None:
        words.append(f"Median {shown(median)}.")
    if quartiles is not None:
        words.append(f"Quartile boundaries P25 {shown(quartiles[0])}, P75 {shown(quartiles[1])}.")
    return " ".join(words)


def _fit(label: str, room: float, *, bold: bool) -> str:
    """The label, cut short with an ellipsis if it would not fit in ``room`` (the data table
    always has it in full)."""
    if svg.text_width(label, bold=bold) <= room:
        return label
    keep = len(label)
    while keep > 1 and svg.text_width(label[:keep] + "…", bold=bold) > room:
        keep -= 1
    return label[:keep].rstrip() + "…"


def _hatching(pattern_id: str) -> str:
    return svg.tag(
        "defs",
        svg.tag(
            "pattern",
            svg.tag("rect", width=6, height=6, fill=svg.LIGHT_BLUE),
            svg.line(0, 0, 0, 6, stroke=svg.DARK_BLUE, width=3),
            id=pattern_id,
            patternUnits="userSpaceOnUse",
            width=6,
            height=6,
            patternTransform="rotate(45)",
        ),
    )


def _draw(
    chart_id, items, median, unit, shown, width, top, height, *, narrow=False, quartiles=None
) -> list[str]:
    if not items:
        return [svg.text(width / 2, height / 2, "No values to compare yet", anchor="middle")]
    values = [value for _label, value, _us in items]
    extent = [
        *values,
        Decimal(0),
        *([median] if median is not None else []),
        *(quartiles or ()),
    ]
    ticks = svg.nice_ticks(min(extent), max(extent))
    places = svg.tick_places(ticks)
    labels = [_named(label, is_us) for label, _value, is_us in items]

    label_room = min(
        max(svg.text_width(_named(label, is_us), bold=is_us) for label, _value, is_us in items),
        MOST_LABEL_WIDTH,
    )
    # Narrow: the names sit above the bars, so the bars start at the left edge, less half the
    # first tick's label (centred under its tick).
    first_tick = svg.text_width(format_value(ticks[0], places, unit)) / 2 + 2
    left = first_tick if narrow else label_room + LABEL_GAP
    row = NARROW_ROW if narrow else ROW
    value_room = max(svg.text_width(shown(value), bold=True) for value in values) + 10
    right = width - max(value_room, svg.text_width(format_value(ticks[-1], places, unit)) / 2)
    bottom = top + row * len(items)
    x_of = svg.Scale(ticks[0], ticks[-1], left, right)
    pattern_id = f"{chart_id}-us"

    parts = [_hatching(pattern_id)]
    axis = []
    for tick in ticks:
        x = x_of(tick)
        axis.append(svg.line(x, top - 4, x, bottom, stroke=svg.GRID))
        axis.append(
            svg.text(
                x,
                bottom + 20,
                format_value(tick, places, unit),
                anchor="middle",
                fill=svg.SECONDARY_TEXT,
            )
        )
    parts.append(svg.group(axis, class_="gt-axis gt-axis--x"))

    zero = x_of(Decimal(0))
    bars, value_labels = [], []
    for index, ((_label, value, is_us), label) in enumerate(zip(items, labels, strict=True)):
        middle = (
            top + row * index + (row + NARROW_LABEL) / 2 if narrow else top + row * index + row / 2
        )
        end = x_of(value)
        weight = "bold" if is_us else None
        name = (
            svg.text(
                0,
                top + row * index + NARROW_LABEL,
                _fit(label, width, bold=is_us),
                middle=True,
                weight=weight,
            )
            if narrow
            else svg.text(
                left - LABEL_GAP,
                middle,
                _fit(label, label_room, bold=is_us),
                anchor="end",
                middle=True,
                weight=weight,
            )
        )
        bars.append(
            svg.group(
                [
                    name,
                    svg.tag(
                        "rect",
                        x=min(zero, end),
                        y=middle - BAR / 2,
                        width=max(abs(end - zero), 1),
                        height=BAR,
                        fill=f"url(#{pattern_id})" if is_us else svg.BLUE,
                        stroke=svg.DARK_BLUE if is_us else None,
                        stroke_width=2 if is_us else None,
                    ),
                ],
                class_="gt-bar gt-bar--us" if is_us else "gt-bar",
            )
        )
        # On a white patch, so that the median line never runs through the figure.
        words = shown(value)
        x = max(zero, end) + 4
        value_labels += [
            svg.tag(
                "rect",
                x=x,
                y=middle - 9,
                width=svg.text_width(words, bold=is_us) + 4,
                height=18,
                fill=svg.WHITE,
            ),
            svg.text(x + 2, middle, words, middle=True, weight=weight),
        ]
    parts.append(svg.group(bars, class_="gt-bars"))
    parts.append(svg.line(zero, top - 4, zero, bottom, stroke=svg.TEXT, class_="gt-zero"))

    if median is not None:
        x = x_of(median)
        label = f"Median {shown(median)}"
        half = svg.text_width(label) / 2
        parts.append(
            svg.group(
                [
                    svg.line(x, top - 8, x, bottom, stroke=svg.TEXT, width=2, dash=svg.DOTTED),
                    svg.text(
                        min(max(x, left + half), width - half),
                        top - 14,
                        label,
                        anchor="middle",
                    ),
                ],
                class_="gt-line gt-line--median",
            )
        )
    if quartiles is not None:
        # Each name grows away from the other (P25 leftwards, P75 rightwards), so close
        # boundaries do not write over each other.
        for name, boundary, anchor in (
            ("P25", quartiles[0], "end"),
            ("P75", quartiles[1], "start"),
        ):
            x = x_of(boundary)
            label = f"{name} {shown(boundary)}"
            room = svg.text_width(label)
            placed = max(x, room) if anchor == "end" else min(x, width - room)
            parts.append(
                svg.group(
                    [
                        svg.line(x, top - 26, x, bottom, stroke=svg.TEXT, width=1, dash=svg.DASHED),
                        svg.text(placed, top - 32, label, anchor=anchor),
                    ],
                    class_="gt-line gt-line--quartile",
                )
            )
    parts.append(svg.group(value_labels, class_="gt-values"))
    return [mark_safe("".join(parts))]
