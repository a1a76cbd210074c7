"""Building SVG safely, and the parts every chart shares: palette, shapes, axis scales.

All text and attribute values go through Django's escaping, so a title such as
``<script>`` stays text. Styling uses SVG presentation attributes only (``fill="…"``), never
``style=""`` or ``<style>``: the site's Content-Security-Policy allows no inline styles.
"""

import hashlib
import html
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from enum import StrEnum

from django.utils.html import mark_safe

FONT = "Arial, sans-serif"
# Every chart's text is this size in its drawing's units: a chart is shown no narrower than 6/7 of
# its drawing's width (components/chart.html swaps in the narrow drawing below that), so its text
# is never under 12 px on screen (issue 16).
FONT_SIZE = 14

# GOV.UK palette. Every colour used for a line, marker or text has at least 4.5:1 contrast on
# white except ORANGE (3.8:1), which is used only for markers and so needs 3:1 (WCAG 1.4.11).
TEXT = "#0b0c0c"
SECONDARY_TEXT = "#505a5f"
GREY = "#505a5f"
BLUE = "#1d70b8"
DARK_BLUE = "#003078"
LIGHT_BLUE = "#d2e2f1"
# GOV.UK orange (#f47738) is 2.8:1 on white, too faint for a marker; this darker one is 3.8:1.
ORANGE = "#d65f00"
PURPLE = "#4c2c92"
GREEN = "#00703c"
WHITE = "#ffffff"
# Decorative only (grid lines, the sparkline's process-limit band): no contrast needed.
GRID = "#dfe1e2"
BAND = "#dfe1e2"

# Dash patterns: process limits are dashed, targets dash-dotted, medians dotted.
DASHED = "6 4"
DASH_DOT = "12 4 3 4"
DOTTED = "2 3"

# Arial's advance widths, as a share of the font size, near enough for laying out labels.
_NARROW = frozenset("fijlrtI.,:;!'|()[] ")
_WIDE = frozenset("mwMW%@")


@dataclass(frozen=True)
class Chart:
    """One chart: the SVG, the words that stand in for it, and its data as a table."""

    svg: str  # safe markup
    title: str
    description: str
    table_caption: str
    table_headers: tuple[str, ...]
    table_rows: tuple[tuple[str, ...], ...]
    id: str  # a stable slug, the prefix of the ids inside the SVG and its figure
    numeric_columns: tuple[int, ...] = ()  # table columns to right-align
    # The same chart redrawn for a narrow box (a phone), or "": ``components/chart.html`` shows
    # whichever keeps the text at 12 px or more in the box it has (issue 16).
    narrow_svg: str = ""

    def __html__(self) -> str:
        return self.svg


class Shape(StrEnum):
    circle = "circle"
    square = "square"
    triangle = "triangle"
    diamond = "diamond"


def chart_id(title: str, rows: Iterable[Sequence[str]]) -> str:
    """A slug for the chart's aria ids: the same for the same title and data."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40].strip("-")
    digest = hashlib.sha256(repr((title, tuple(map(tuple, rows)))).encode()).hexdigest()[:8]
    return f"chart-{slug}-{digest}" if slug else f"chart-{digest}"


def num(number: float | Decimal) -> str:
    """A coordinate as short text: two decimal places at most, no trailing zeros."""
    text = f"{float(number):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _escaped(value: object) -> str:
    """`conditional_escape` without Django's lazy-text wrapper, which cost more than the
    escaping itself in charts of thousands of elements: safe markup as it is, else escaped
    (the same five characters as Django's `escape`)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value), quote=True)


def _attributes(attrs: dict[str, object]) -> str:
    parts = []
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        name = key.rstrip("_").replace("_", "-")
        if isinstance(value, float | Decimal):
            value = num(value)
        parts.append(f' {name}="{_escaped(value)}"')
    return "".join(parts)


def tag(name: str, *children: object, **attrs: object) -> str:
    """One element. Keyword names become attributes (``stroke_width`` → ``stroke-width``,
    ``class_`` → ``class``); children that are not already safe markup are escaped as text."""
    opening = f"{name}{_attributes(attrs)}"
    if not children:
        return mark_safe(f"<{opening}/>")
    content = "".join(_escaped(child) for child in children)
    return mark_safe(f"<{opening}>{content}</{name}>")


def group(children: Iterable[str], **attrs: object) -> str:
    items = list(children)
    return tag("g", *items, **attrs) if items else mark_safe("")


def text(
    x: float,
    y: float,
    content: str,
    *,
    size: int = FONT_SIZE,
    fill: str = TEXT,
    anchor: str = "start",
    weight: str | None = None,
    middle: bool = False,
    **attrs: object,
) -> str:
    """Text at (x, y); ``middle`` centres it vertically on y (instead of sitting on it)."""
    return tag(
        "text",
        content,
        x=x,
        y=y,
        dy="0.35em" if middle else None,
        font_size=size if size != FONT_SIZE else None,  # the document's own size otherwise
        fill=fill,
        text_anchor=anchor if anchor != "start" else None,
        font_weight=weight,
        **attrs,
    )


def line(
    x1: float,
    y1: float,
    x2: float,
    y2: float,
    *,
    stroke: str,
    width: float = 1,
    dash: str | None = None,
    **attrs: object,
) -> str:
    return tag(
        "line",
        x1=x1,
        y1=y1,
        x2=x2,
        y2=y2,
        stroke=stroke,
        stroke_width=width,
        stroke_dasharray=dash,
        **attrs,
    )


def polyline(
    points: Sequence[tuple[float, float]], *, stroke: str, width: float = 2, **attrs: object
) -> str:
    return tag(
        "polyline",
        points=" ".join(f"{num(x)},{num(y)}" for x, y in points),
        fill="none",
        stroke=stroke,
        stroke_width=width,
        stroke_linejoin="round",
        stroke_linecap="round",
        **attrs,
    )


def _outline(shape: Shape, x: float, y: float, size: float) -> str:
    """A marker's outline as path data, centred on (x, y), about ``size`` across (the shapes
    look equally big)."""
    half = size / 2
    if shape is Shape.circle:
        return (
            f"M{num(x - half)},{num(y)} a{num(half)},{num(half)} 0 1,0 {num(size)},0"
            f" a{num(half)},{num(half)} 0 1,0 {num(-size)},0 Z"
        )
    if shape is Shape.square:
        side = size * 0.9
        corners = [
            (x - side / 2, y - side / 2),
            (x + side / 2, y - side / 2),
            (x + side / 2, y + side / 2),
            (x - side / 2, y + side / 2),
        ]
    elif shape is Shape.diamond:
        reach = half * 1.25
        corners = [(x, y - reach), (x + reach, y), (x, y + reach), (x - reach, y)]
    else:  # an upward triangle, centred on its centroid
        reach = half * 1.3
        corners = [
            (x, y - reach),
            (x + reach * 0.866, y + reach / 2),
            (x - reach * 0.866, y + reach / 2),
        ]
    return "M" + " L".join(f"{num(cx)},{num(cy)}" for cx, cy in corners) + " Z"


def marker(
    shape: Shape,
    x: float,
    y: float,
    *,
    size: float,
    fill: str,
    stroke: str = WHITE,
    **attrs: object,
) -> str:
    """A point marker centred on (x, y), about ``size`` across (the shapes look equally big)."""
    common = {"fill": fill, "stroke": stroke, "stroke_width": 1, **attrs}
    if shape is Shape.circle:
        return tag("circle", cx=x, cy=y, r=size / 2, **common)
    if shape is Shape.square:
        side = size * 0.9
        return tag("rect", x=x - side / 2, y=y - side / 2, width=side, height=side, **common)
    return tag("path", d=_outline(shape, x, y, size), **common)


def markers(shape: Shape, centres: Iterable[tuple[float, float]], *, size: float, fill: str) -> str:
    """Many markers of one shape, size and colour as one path: the same drawing as `marker`
    for each centre, far quicker for a PDF renderer to lay out (one element, not hundreds)."""
    outlines = " ".join(_outline(shape, x, y, size) for x, y in centres)
    return tag("path", d=outlines, fill=fill, stroke=WHITE, stroke_width=1)


# The narrow drawing of a chart drawn twice (Chart.narrow_svg), for boxes too small for the
# wide one's text to stay at 12 px or more.
NARROW_WIDTH = 320


def drawn_twice(
    chart_id: str,
    *,
    title: str,
    description: str,
    width: int,
    draw: Callable[[str, int, bool], tuple[Iterable[str], int]],
) -> tuple[str, str]:
    """The wide drawing (`width` across) and the narrow one (`NARROW_WIDTH`) of one chart, as
    whole documents. `draw(variant, box_width, narrow)` gives a drawing's body and height;
    `variant` is the drawing's own id, for the ids inside it."""
    drawn = []
    for variant, box_width, narrow in (
        (chart_id, width, False),
        (f"{chart_id}-narrow", NARROW_WIDTH, True),
    ):
        body, height = draw(variant, box_width, narrow)
        drawn.append(
            document(
                chart=variant,
                width=box_width,
                height=height,
                title=title,
                description=description,
                body=body,
            )
        )
    return drawn[0], drawn[1]


def document(
    *,
    chart: str,
    width: int,
    height: int,
    title: str,
    description: str,
    body: Iterable[str],
    fixed_size: bool = False,
) -> str:
    """The whole ``<svg>``: an image named by its own title and description.

    A chart fills the width it is given and keeps its shape (``fixed_size`` keeps a small
    chart, such as a sparkline, at its own size)."""
    return tag(
        "svg",
        tag("title", title, id=f"{chart}-title"),
        tag("desc", description, id=f"{chart}-desc"),
        *body,
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {width} {height}",
        width=width if fixed_size else "100%",
        height=height if fixed_size else None,
        role="img",
        aria_labelledby=f"{chart}-title {chart}-desc",
        focusable="false",
        class_="gt-chart__svg",
        font_family=FONT,
        font_size=FONT_SIZE,
    )


def wrap(content: str, room: float, size: float = FONT_SIZE, *, bold: bool = False) -> list[str]:
    """``content`` in lines that each fit in ``room`` (by ``text_width``), broken between words;
    a single word too long for the room keeps a line of its own."""
    lines: list[str] = []
    for word in content.split():
        if lines and text_width(f"{lines[-1]} {word}", size, bold=bold) <= room:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def text_width(content: str, size: float = FONT_SIZE, *, bold: bool = False) -> float:
    """An estimate of the width of ``content`` in Arial, for layout without a font engine.

    It errs on the wide side, so that labels laid out with it do not overlap."""
    width = 0.0
    for character in content:
        if character in _NARROW:
            width += 0.3
        elif character in _WIDE:
            width += 0.86
        elif character.isupper():
            width += 0.68
        else:
            width += 0.56
    return width * size * (1.08 if bold else 1)


# Axes


@dataclass(frozen=True)
class Scale:
    """A linear map from data values to pixels."""

    low: Decimal
    high: Decimal
    start: float  # pixel for ``low``
    end: float  # pixel for ``high``

    def __call__(self, value: Decimal) -> float:
        if self.high == self.low:
            return (self.start + self.end) / 2
        share = float((Decimal(value) - self.low) / (self.high - self.low))
        return self.start + share * (self.end - self.start)


NICE_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5))


def nice_ticks(low: Decimal, high: Decimal, *, fewest: int = 4, most: int = 6) -> list[Decimal]:
    """Between ``fewest`` and ``most`` evenly spaced round numbers (1, 2, 2.5 or 5 times a power
    of ten apart) whose first is at or below ``low`` and last at or above ``high``."""
    low, high = Decimal(low), Decimal(high)
    if low > high:
        low, high = high, low
    if low == high:
        # One value: a band around it (or around zero) so the line sits mid-chart.
        pad = abs(low) / 10 if low else Decimal(1)
        low, high = low - pad, high + pad
    exponent = math.floor(math.log10(float(high - low))) - 2
    best: list[Decimal] | None = None
    for power in range(exponent, exponent + 5):
        for nice in NICE_STEPS:
            step = nice.scaleb(power)
            first = (low / step).to_integral_value(rounding=ROUND_FLOOR) * step
            last = (high / step).to_integral_value(rounding=ROUND_CEILING) * step
            count = int((last - first) / step) + 1
            if count <= most:
                ticks = [(first + step * i).normalize() for i in range(count)]
                if count >= fewest:
                    return [_plain(tick) for tick in ticks]
                best = best or ticks
    assert best is not None  # the widest step always gives two ticks or fewer above
    return [_plain(tick) for tick in best]


def _plain(number: Decimal) -> Decimal:
    """Without an exponent (``1E+1`` → ``10``) so it formats as people write it."""
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number


def decimals(step: Decimal) -> int:
    """How many decimal places a tick step needs (``2.5`` → 1, ``20`` → 0)."""
    return max(0, -step.normalize().as_tuple().exponent)


def tick_places(ticks: Sequence[Decimal]) -> int:
    return max((decimals(tick) for tick in ticks), default=0)
