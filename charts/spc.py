"""The XmR chart of an indicator, drawn the NHS "Making Data Count" way.

Values are a grey line with a marker per point; the mean is a solid line, the process limits
dashed, the target dash-dotted, each named at its right-hand end. Special-cause points change
shape as well as colour (blue square improving, orange triangle concerning, purple diamond
for an indicator with no better direction), and a legend names each shape in words.
"""

import math
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import Enum

from django.utils.html import mark_safe

from status import spc as spc_rules
from status.numbers import format_value
from status.periods import MONTH_NAMES
from status.polarity import Polarity
from status.spc import MINIMUM_POINTS, Assurance, Phase, Side, Variation, XmrChart, XmrPoint

from . import svg
from .svg import Chart, Shape

NOT_ENOUGH_DATA = f"Not enough data for SPC ({MINIMUM_POINTS} points needed)"
NOT_ENOUGH_SINCE = (
    f"Not enough data since the recalculation ({MINIMUM_POINTS} points needed for new limits)"
)
NO_LIMITS_IN_PHASE = f"No limits: fewer than {MINIMUM_POINTS} points in this phase"
NO_TARGET_AT_FREQUENCY = (
    "No target at this frequency: the target is for a longer period, so the limits are not "
    "compared with it."
)
NO_VALUES = "No values yet"

RULE_TEXT = {
    1: "Outside the process limits",
    2: "Run of 7 or more on one side of the mean",
    3: "Trend of 6 or more {direction}",
    4: "2 of 3 points near a process limit",
}

# GOV.UK style: months shortened in tables and charts (June, July and Sept as written).
SHORT_MONTHS = dict(
    zip(
        MONTH_NAMES,
        ("Jan", "Feb", "Mar", "Apr", "May", "June", "July", "Aug", "Sept", "Oct", "Nov", "Dec"),
        strict=True,
    )
)

LINE_LABEL_GAP = 16  # least vertical distance between two right-hand line labels
PLOT_PADDING = 10  # between the plot's edges and the first and last points
LEGEND_ROW = 22
LEGEND_LINE = 20  # a wrapped legend item's second line

# The narrow drawing, for a phone: drawn 320 units wide, so that shown in the 290 px a 320 px
# screen leaves it, its 14-unit text is still at least 12 px (WCAG 1.4.4 and 1.4.10; issue 16).
# The lines are named in the legend above, not at their right-hand ends, which would leave the
# values no room.
NARROW_WIDTH = svg.NARROW_WIDTH
NARROW_PLOT_HEIGHT = 200

# A target further from the values and limits than twice their own spread is named at the edge of
# the chart, not drawn on its scale: otherwise the values would be squashed into a third of the
# height (a yearly target over monthly figures, a mistyped target).
OFF_SCALE_SPANS = 2


class PointKind(Enum):
    """How a point is drawn: shape, colour and the legend's words for it."""

    value = (Shape.circle, svg.GREY, "Value")
    common = (Shape.circle, svg.GREY, "Common cause")
    improving = (Shape.square, svg.BLUE, "Special cause – improving")
    concerning = (Shape.triangle, svg.ORANGE, "Special cause – concerning")
    neither = (Shape.diamond, svg.PURPLE, "Special cause – high or low (no better direction)")

    def __init__(self, shape: Shape, colour: str, legend: str):
        self.shape = shape
        self.colour = colour
        self.legend = legend

    @property
    def slug(self) -> str:
        return self.name


KIND_OF_VARIATION = {
    Variation.common_cause: PointKind.common,
    Variation.improving_high: PointKind.improving,
    Variation.improving_low: PointKind.improving,
    Variation.concerning_high: PointKind.concerning,
    Variation.concerning_low: PointKind.concerning,
    Variation.special_cause_high: PointKind.neither,
    Variation.special_cause_low: PointKind.neither,
}


@dataclass(frozen=True)
class _Line:
    value: Decimal
    label: str
    colour: str
    text_colour: str
    width: float
    dash: str | None
    slug: str


def spc_chart(
    *,
    title: str,
    points: list[tuple[str, Decimal]],
    chart: XmrChart | None = None,
    phases: tuple[Phase, ...] | None = None,
    recalculations: tuple[str, ...] = (),
    assurance: Assurance | None = None,
    polarity: Polarity,
    unit: str,
    precision: int,
    target: Decimal | None = None,
    lower: Decimal | None = None,
    upper: Decimal | None = None,
    frequency: str = "",
    width: int = 720,
    height: int = 320,
    paper: bool = False,
) -> Chart:
    """The SPC chart of a series of (period label, value), earliest first (a ``Period`` will
    do for its label).

    ``paper`` draws it for a document (a PDF's image): once, with no narrow drawing, and its
    points as one path for each kind of point, without each point's tooltip.

    ``chart`` is the series' XmR chart (None with fewer than 12 points: only the values and
    target are drawn, with a note); or ``phases``, the series cut at recalculation points
    (``SpcReading.phases``), each drawn with its own mean and limits, with ``recalculations``
    the reason for each cut. ``target`` (or ``lower`` and ``upper``) is what the latest point's
    limits are compared with; ``assurance`` the reading made of them (worked out from the
    latest chart and target if not given). ``frequency`` ("monthly", "quarterly", "annual") is
    used in the description, which also gives the variation and assurance readings in words.
    """
    points = [(str(label), value) for label, value in points]  # a Period shows as its label
    if phases is None:
        phases = (Phase(start=0, values=tuple(v for _, v in points), chart=chart),)
    if not points:
        phases = ()
    if phases and (phases[0].start != 0 or phases[-1].end != len(points) - 1):
        raise ValueError("the XmR chart and the points must be of the same series")
    if any(p.chart is not None and len(p.chart.points) != len(p.values) for p in phases):
        raise ValueError("the XmR chart and the points must be of the same series")
    if len(recalculations) not in (0, max(len(phases) - 1, 0)):
        raise ValueError("give one reason for each recalculation point, or none")
    polarity = Polarity(polarity)
    latest = phases[-1].chart if phases else chart

    def shown(value: Decimal) -> str:
        return format_value(value, precision, unit)

    readings = _point_readings(phases, polarity)
    if assurance is None:
        assurance = spc_rules.assurance(latest, polarity, target, lower, upper)
    lines = _reference_lines(polarity, target, lower, upper)
    description = _describe(
        points,
        phases,
        recalculations,
        readings,
        polarity,
        target,
        lower,
        upper,
        frequency,
        assurance,
        shown,
    )
    if points:
        limits = [line.value for p in phases if p.chart for line in _limit_lines(p.chart)]
        away = off_scale([*(v for _label, v in points), *limits], lines)
        for side, off in away.items():
            description += "".join(
                f" The {_lower_first(line.label)}, {shown(line.value)}, is far {side} the values,"
                f" so it is named at the {'top' if side == 'above' else 'bottom'} of the chart"
                " rather than drawn to the values' scale."
                for line in off
            )
    headers, rows = _table(points, phases, readings, polarity, target, lower, upper, shown)
    chart_id = svg.chart_id(title, rows)

    def draw(_variant, box_width, narrow):
        # The narrow drawing is as tall as its legend and plot need.
        return _draw(
            points,
            readings,
            lines,
            phases,
            recalculations,
            unit,
            box_width,
            None if narrow else height,
            shown,
            narrow=narrow,
            paper=paper,
        )

    if paper:
        body, drawn_height = draw(chart_id, width, False)
        wide, narrow_svg = (
            svg.document(
                chart=chart_id,
                width=width,
                height=drawn_height,
                title=title,
                description=description,
                body=body,
            ),
            "",
        )
    else:
        wide, narrow_svg = svg.drawn_twice(
            chart_id, title=title, description=description, width=width, draw=draw
        )
    return Chart(
        svg=wide,
        narrow_svg=narrow_svg,
        title=title,
        description=description,
        table_caption=f"{title}: the data",
        table_headers=headers,
        table_rows=rows,
        id=chart_id,
        numeric_columns=(1,),
    )


# Reading the points


def _point_readings(
    phases: tuple[Phase, ...], polarity: Polarity
) -> list[tuple[PointKind, Variation | None]]:
    readings = []
    for phase in phases:
        chart = phase.chart
        if chart is None:
            readings += [(PointKind.value, None)] * len(phase.values)
            continue
        for point in chart.points:
            # STATUS-RULES: each point is read as the variation rule reads the latest point,
            # within its own phase.
            as_if_latest = replace(chart, points=chart.points[: point.index + 1])
            reading = spc_rules.variation(as_if_latest, polarity)
            readings.append((KIND_OF_VARIATION[reading], reading))
    return readings


def _phase_name(phases: tuple[Phase, ...], index: int, points) -> str:
    phase = phases[index]
    first = points[phase.start][0]
    if index == len(phases) - 1:
        return f"Phase {index + 1}, from {first}"
    return f"Phase {index + 1}, {first} to {points[phase.end][0]}"


def rules_in_words(point: XmrPoint) -> list[str]:
    """The special-cause rules that flag a point, in words."""
    words = []
    for rule in (1, 2, 3, 4):
        if getattr(point, f"rule{rule}"):
            direction = "rising" if point.trend_side is Side.high else "falling"
            words.append(RULE_TEXT[rule].format(direction=direction))
    return words


def _latest_reason(chart: XmrChart) -> str:
    """Why the latest point is special cause, in a phrase."""
    points = chart.points
    latest = chart.latest
    above = latest.centre_side is Side.high
    rule = latest.deciding_rule
    if rule == 1:
        return "above the upper process limit" if above else "below the lower process limit"
    if rule == 2:
        run = _run_back(points, lambda p: p.rule2 and p.centre_side is latest.centre_side)
        return f"{run} points in a row {'above' if above else 'below'} the mean"
    if rule == 4:
        near = sum(1 for p in points[-3:] if p.rule4 and p.centre_side is latest.centre_side)
        side = "upper" if above else "lower"
        return f"{near} of the last 3 points near the {side} process limit"
    rising = latest.trend_side is Side.high
    run = 1
    while run < len(points):
        before, after = points[-run - 1].value, points[-run].value
        if not (after > before if rising else after < before):
            break
        run += 1
    return f"{run} points in a row, each {'higher' if rising else 'lower'} than the one before"


def _run_back(points, belongs) -> int:
    run = 0
    for point in reversed(points):
        if not belongs(point):
            break
        run += 1
    return run


def _lower_first(label: str) -> str:
    return label[:1].lower() + label[1:]


# Words and table


def _target_phrase(polarity, target, lower, upper, shown) -> str | None:
    if polarity is Polarity.in_range:
        if lower is None or upper is None:
            return None
        return f"Range {shown(lower)} to {shown(upper)}"
    if target is None:
        return None
    return f"Target {shown(target)}"


def _span(points: list[tuple[str, Decimal]], frequency: str) -> str:
    adjective = f"{frequency} " if frequency else ""
    if len(points) == 1:
        return f"1 {adjective}value, for {points[0][0]}."
    return f"{len(points)} {adjective}values from {points[0][0]} to {points[-1][0]}."


def _limits_sentence(chart: XmrChart, shown) -> str:
    return (
        f"mean {shown(chart.centre)}, process limits "
        f"{shown(chart.lower_process_limit)} to {shown(chart.upper_process_limit)}"
    )


def _phases_sentences(points, phases, recalculations, shown) -> list[str]:
    """What the phases are, earliest first, for a series cut at recalculation points."""
    sentences = []
    for index, phase in enumerate(phases):
        first, last = points[phase.start][0], points[phase.end][0]
        if index:
            reason = f": {recalculations[index - 1].rstrip('.')}" if recalculations else ""
            sentences.append(f"The limits were recalculated from {first}{reason}.")
        limits = (
            _limits_sentence(phase.chart, shown)
            if phase.chart is not None
            else f"fewer than {MINIMUM_POINTS} points, no limits"
        )
        when = f"From {first} to {last}" if index < len(phases) - 1 else f"Since {first}"
        sentences.append(f"{when}: {limits}.")
    return sentences


def _describe(
    points,
    phases,
    recalculations,
    readings,
    polarity,
    target,
    lower,
    upper,
    frequency,
    assurance,
    shown,
) -> str:
    chart = phases[-1].chart if phases else None
    if not points:
        sentences = [f"{NO_VALUES}."]
    else:
        sentences = [_span(points, frequency)]
        latest_value = shown(points[-1][1])
        if len(phases) > 1:
            sentences += _phases_sentences(points, phases, recalculations, shown)
        if chart is None:
            missing = NOT_ENOUGH_SINCE if len(phases) > 1 else NOT_ENOUGH_DATA
            sentences.append(f"{missing}. The latest value is {latest_value}.")
        else:
            if len(phases) == 1:
                sentences.append(f"{_limits_sentence(chart, shown).capitalize()}.")
            offset = phases[-1].start
            first, last = chart.baseline
            if (first, last) != (0, len(chart.points) - 1):
                sentences.append(
                    f"The mean and limits are worked out from {points[offset + first][0]} "
                    f"to {points[offset + last][0]}."
                )
            reading = readings[-1][1]
            if reading is Variation.common_cause:
                sentences.append(f"The latest value, {latest_value}, shows common cause variation.")
            else:
                sentences.append(
                    f"The latest value, {latest_value}, shows "
                    f"{_lower_first(reading.label)}: {_latest_reason(chart)}."
                )
    phrase = _target_phrase(polarity, target, lower, upper, shown)
    if phrase:
        judged = assurance in (
            Assurance.consistently_passes,
            Assurance.consistently_fails,
            Assurance.hit_and_miss,
        )
        sentences.append(f"{phrase}: {_lower_first(assurance.label)}." if judged else f"{phrase}.")
    elif assurance is Assurance.no_target_at_frequency:
        sentences.append(NO_TARGET_AT_FREQUENCY)
    return " ".join(sentences)


def _table(points, phases, readings, polarity, target, lower, upper, shown):
    headers = ["Period", "Value"]
    recalculated = len(phases) > 1
    if recalculated:
        headers.append("Phase")
    any_chart = any(phase.chart is not None for phase in phases)
    if any_chart:
        headers.append("Special cause")
    phrase = _target_phrase(polarity, target, lower, upper, shown)
    if phrase:
        headers.append("Range" if polarity is Polarity.in_range else "Target")
        target_cell = phrase.split(" ", 1)[1]
    rows = []
    for number, phase in enumerate(phases):
        for offset, value in enumerate(phase.values):
            index = phase.start + offset
            row = [points[index][0], shown(value)]
            if recalculated:
                row.append(_phase_name(phases, number, points))
            if any_chart:
                if phase.chart is None:
                    row.append(NO_LIMITS_IN_PHASE)
                elif phase.chart.points[offset].special_cause:
                    point, reading = phase.chart.points[offset], readings[index][1]
                    row.append(f"{reading.label}: {'; '.join(rules_in_words(point))}")
                else:
                    row.append("None (common cause)")
            if phrase:
                row.append(target_cell)
            rows.append(tuple(row))
    return tuple(headers), tuple(rows)


# Drawing


def _limit_lines(chart: XmrChart) -> list[_Line]:
    """A phase's mean and process limits."""
    return [
        _Line(
            chart.upper_process_limit,
            "Upper process limit",
            svg.GREY,
            svg.SECONDARY_TEXT,
            1.5,
            svg.DASHED,
            "upper-limit",
        ),
        _Line(chart.centre, "Mean", svg.TEXT, svg.TEXT, 1.5, None, "mean"),
        _Line(
            chart.lower_process_limit,
            "Lower process limit",
            svg.GREY,
            svg.SECONDARY_TEXT,
            1.5,
            svg.DASHED,
            "lower-limit",
        ),
    ]


def _reference_lines(polarity, target, lower, upper) -> list[_Line]:
    """The target lines, across the whole chart."""
    lines = []
    if polarity is Polarity.in_range:
        if lower is not None and upper is not None:
            lines += [
                _Line(upper, "Range upper end", svg.GREEN, svg.GREEN, 2, svg.DASH_DOT, "target"),
                _Line(lower, "Range lower end", svg.GREEN, svg.GREEN, 2, svg.DASH_DOT, "target"),
            ]
    elif target is not None:
        lines.append(_Line(target, "Target", svg.GREEN, svg.GREEN, 2, svg.DASH_DOT, "target"))
    return lines


def short_label(label: str) -> str:
    """A period label for the x axis: ``September 2024`` → ``Sept 2024``."""
    month, _, rest = label.partition(" ")
    return f"{SHORT_MONTHS[month]} {rest}" if month in SHORT_MONTHS and rest else label


def _labelled_indexes(labels: list[str], spacing: float) -> list[int]:
    """Every Nth label, counted back from the last, so that none overlap."""
    if not labels:
        return []
    widest = max(svg.text_width(label) for label in labels) + 12
    step = max(1, math.ceil(widest / spacing)) if spacing else len(labels)
    last = len(labels) - 1
    return [i for i in range(len(labels)) if (last - i) % step == 0]


def _spread(wanted: list[float], low: float, high: float, gap: float) -> list[float]:
    """Positions as near ``wanted`` (sorted) as they can be, ``gap`` apart, within bounds."""
    placed = []
    for y in wanted:
        placed.append(max(y, placed[-1] + gap) if placed else y)
    if placed and placed[-1] > high:
        placed[-1] = high
        for i in range(len(placed) - 2, -1, -1):
            placed[i] = min(placed[i], placed[i + 1] - gap)
    if placed and placed[0] < low:
        shift = low - placed[0]
        placed = [y + shift for y in placed]
    return placed


def _legend(
    kinds: list[PointKind],
    note: str | None,
    width: int,
    lines: list[tuple["_Line", str]] = (),
) -> tuple[list[str], float]:
    """The legend across the top: the note (if any), then ``lines`` (each with its words: the
    narrow drawing names its lines here), then the kinds of point, in rows that wrap, an item too
    long for a row wrapped between words; and its height."""
    items, y = [], 0.0
    if note:
        rows = svg.wrap(note, width, bold=True)
        items += [
            svg.text(0, y + LEGEND_ROW / 2 + i * LEGEND_LINE, row, weight="bold", middle=True)
            for i, row in enumerate(rows)
        ]
        y += LEGEND_ROW + (len(rows) - 1) * LEGEND_LINE
    # (words, sample drawn at x and the row's middle, room the sample takes, class, text colour)
    entries = [
        (
            label,
            lambda x, y, line=line: svg.line(
                x, y, x + 26, y, stroke=line.colour, width=line.width, dash=line.dash
            ),
            32,
            f"gt-legend gt-legend--{line.slug}",
            line.text_colour,
        )
        for line, label in lines
    ]
    entries += [
        (
            kind.legend,
            lambda x, y, kind=kind: svg.marker(kind.shape, x + 6, y, size=11, fill=kind.colour),
            18,
            f"gt-legend gt-legend--{kind.slug}",
            svg.TEXT,
        )
        for kind in kinds
    ]
    x, row_top = 0.0, y
    for label, sample, indent, class_, colour in entries:
        rows = svg.wrap(label, width - indent)
        item_width = indent + max(svg.text_width(row) for row in rows) + 24
        if x and x + item_width > width:
            x, row_top = 0.0, y
        middle = row_top + LEGEND_ROW / 2
        items.append(
            svg.group(
                [
                    sample(x, middle),
                    *(
                        svg.text(
                            x + indent, middle + i * LEGEND_LINE, row, middle=True, fill=colour
                        )
                        for i, row in enumerate(rows)
                    ),
                ],
                class_=class_,
            )
        )
        x += item_width
        y = max(y, row_top + LEGEND_ROW + (len(rows) - 1) * LEGEND_LINE)
    return items, y


def off_scale(values: list[Decimal], target_lines: list[_Line]) -> dict[str, list[_Line]]:
    """The target lines too far from ``values`` (the points and process limits) to share their
    scale, by the side they are off: ``{"above": [...], "below": [...]}``."""
    low, high = min(values), max(values)
    spread = (high - low) or abs(high) / 10 or Decimal(1)
    reach = spread * OFF_SCALE_SPANS
    return {
        "above": [line for line in target_lines if line.value > high + reach],
        "below": [line for line in target_lines if line.value < low - reach],
    }


def _draw(
    points,
    readings,
    target_lines,
    phases,
    recalculations,
    unit,
    width,
    height,
    shown,
    *,
    narrow=False,
    paper=False,
) -> tuple[list[str], int]:
    """The chart's body, and its height (the narrow drawing's grows with its legend)."""
    if not points:
        height = height or NARROW_PLOT_HEIGHT
        return [svg.text(width / 2, height / 2, NO_VALUES, anchor="middle", middle=True)], height

    chart = phases[-1].chart
    phase_lines = [(phase, _limit_lines(phase.chart)) for phase in phases if phase.chart]
    values = [value for _label, value in points]
    every_value = [line.value for _phase, own in phase_lines for line in own]
    away = off_scale([*values, *every_value], target_lines)
    target_lines = [line for line in target_lines if line not in away["above"] + away["below"]]
    # Named (at the right-hand end, or in the narrow legend): the latest phase's lines and the
    # target; a target off the scale is named at the top or bottom edge instead.
    lines = [*(_limit_lines(chart) if chart else []), *target_lines]
    every_value += [line.value for line in target_lines]
    ticks = svg.nice_ticks(min([*values, *every_value]), max([*values, *every_value]))
    places = svg.tick_places(ticks)
    tick_labels = [format_value(tick, places, unit) for tick in ticks]
    x_labels = [short_label(label) for label, _value in points]

    kinds = [kind for kind in PointKind if kind is not PointKind.value]
    present = [kind for kind in kinds if any(reading[0] is kind for reading in readings)]
    note = None
    if chart is None:
        note = NOT_ENOUGH_SINCE if len(phases) > 1 else NOT_ENOUGH_DATA
    edge_labels = [
        (line, f"{line.label} {shown(line.value)} {'↑' if side == 'above' else '↓'}", side)
        for side, off in away.items()
        for line in off
    ]
    if narrow:
        named = [(line, line.label) for line in lines]
        named += [
            (line, f"{line.label} {shown(line.value)}, {side} the chart")
            for line, _words, side in edge_labels
        ]
        legend, legend_height = _legend(present, note, width, named)
        label_room = 0
    else:
        legend, legend_height = _legend(present, note, width)
        label_room = max(
            [svg.text_width(line.label) for line in lines]
            + [svg.text_width(words) for _line, words, _side in edge_labels],
            default=0,
        )
    left = max(max(svg.text_width(label) for label in tick_labels) + 10, 20)
    right = width - max(
        label_room + 12 if label_room else 0, svg.text_width(x_labels[-1]) / 2 + 4, 8
    )
    top = legend_height + 18
    if narrow:
        height = math.ceil(top + NARROW_PLOT_HEIGHT + 30)
    bottom = height - 30

    y_scale = svg.Scale(ticks[0], ticks[-1], bottom, top)
    count = len(points)
    spacing = (right - left - 2 * PLOT_PADDING) / (count - 1) if count > 1 else 0.0

    def x_of(index: int) -> float:
        return left + PLOT_PADDING + index * spacing if count > 1 else (left + right) / 2

    parts = list(legend)

    # Grid and y axis labels
    grid = []
    for tick, label in zip(ticks, tick_labels, strict=True):
        y = y_scale(tick)
        grid.append(svg.line(left, y, right, y, stroke=svg.GRID))
        grid.append(
            svg.text(left - 8, y, label, anchor="end", middle=True, fill=svg.SECONDARY_TEXT)
        )
    parts.append(svg.group(grid, class_="gt-axis gt-axis--y"))

    # x axis: a base line, ticks and thinned-out labels
    axis = [svg.line(left, bottom, right, bottom, stroke=svg.GREY)]
    for index in _labelled_indexes(x_labels, spacing):
        x = x_of(index)
        axis.append(svg.line(x, bottom, x, bottom + 5, stroke=svg.GREY))
        axis.append(
            svg.text(x, bottom + 20, x_labels[index], anchor="middle", fill=svg.SECONDARY_TEXT)
        )
    parts.append(svg.group(axis, class_="gt-axis gt-axis--x"))

    def phase_edges(phase: Phase) -> tuple[float, float]:
        """Where a phase's lines start and end: halfway to its neighbours' points."""
        start = left if phase.start == 0 else x_of(phase.start) - spacing / 2
        end = right if phase.end == count - 1 else x_of(phase.end) + spacing / 2
        return start, end

    # Earlier phases' means and limits, over their own points only (not named: the latest
    # phase's lines carry the names, and the description and table say which is which).
    for phase, own in phase_lines:
        if phase is phases[-1]:
            continue
        start, end = phase_edges(phase)
        parts.append(
            svg.group(
                [
                    svg.line(
                        start,
                        y_scale(line.value),
                        end,
                        y_scale(line.value),
                        stroke=line.colour,
                        width=line.width,
                        dash=line.dash,
                        class_=f"gt-line--{line.slug}",
                    )
                    for line in own
                ],
                class_="gt-phase gt-phase--earlier",
            )
        )

    # Where the limits were recalculated: a dotted upright line, named, with its reason.
    for number, phase in enumerate(phases[1:]):
        x = phase_edges(phase)[0]
        label = f"Recalculated {short_label(points[phase.start][0])}"
        reason = recalculations[number] if recalculations else ""
        title = f"Limits recalculated from {points[phase.start][0]}"
        parts.append(
            svg.tag(
                "g",
                svg.tag("title", f"{title}: {reason}" if reason else title),
                svg.line(x, top - 4, x, bottom, stroke=svg.TEXT, width=1.5, dash=svg.DOTTED),
                svg.text(x + 4, top - 8, label)
                if x + 4 + svg.text_width(label) <= right
                else svg.text(x - 4, top - 8, label, anchor="end"),
                class_="gt-recalculation",
            )
        )

    # The latest phase's lines and the target, named at their right-hand ends (in the legend
    # when narrow); a target off the scale named at the top or bottom, with no line.
    latest_start = phase_edges(phases[-1])[0]
    edge_y = {"above": top, "below": bottom}
    order = sorted(
        [(line, line.label, y_scale(line.value)) for line in lines]
        + [(line, words, edge_y[side]) for line, words, side in edge_labels],
        key=lambda item: item[2],
    )
    label_ys = _spread([y for _line, _words, y in order], top - 6, bottom, LINE_LABEL_GAP)
    for (line, words, y), label_y in zip(order, label_ys, strict=True):
        drawn = []
        if line in lines:
            start = left if line.slug == "target" else latest_start
            drawn.append(
                svg.line(start, y, right, y, stroke=line.colour, width=line.width, dash=line.dash)
            )
        if not narrow:
            drawn.append(svg.text(right + 6, label_y, words, fill=line.text_colour, middle=True))
        off = "" if line in lines else " gt-line--off-scale"
        parts.append(svg.group(drawn, class_=f"gt-line gt-line--{line.slug}{off}"))

    # The values: a line, then a marker per point (drawn last, so they sit on top)
    coordinates = [(x_of(i), y_scale(value)) for i, value in enumerate(values)]
    if count > 1:
        parts.append(svg.polyline(coordinates, stroke=svg.GREY, class_="gt-values"))
    size = max(5.0, min(8.0, spacing * 0.8)) if count > 1 else 8.0
    if paper:  # one path for each kind of point, special causes on top
        parts.append(
            svg.group(
                [
                    svg.markers(
                        kind.shape,
                        [
                            xy
                            for xy, (k, _r) in zip(coordinates, readings, strict=True)
                            if k is kind
                        ],
                        size=size if kind in (PointKind.value, PointKind.common) else size * 1.5,
                        fill=kind.colour,
                    )
                    for kind in PointKind
                    if any(k is kind for k, _r in readings)
                ],
                class_="gt-points",
            )
        )
        return [mark_safe("".join(parts))], height
    markers = []
    for (label, value), (x, y), (kind, reading) in zip(points, coordinates, readings, strict=True):
        special = kind not in (PointKind.value, PointKind.common)
        words = f"{label}: {shown(value)}"
        if reading is not None:
            words += f", {reading.label}"
        markers.append(
            svg.tag(
                "g",
                svg.tag("title", words),
                svg.marker(
                    kind.shape,
                    x,
                    y,
                    size=size * 1.5 if special else size,
                    fill=kind.colour,
                ),
                class_=f"gt-point gt-point--{kind.slug}",
            )
        )
    parts.append(svg.group(markers, class_="gt-points"))
    return [mark_safe("".join(parts))], height
