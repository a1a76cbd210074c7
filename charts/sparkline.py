"""A sparkline: a tiny trend line for a scorecard row, its latest point marked."""

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from status.numbers import format_value
from status.spc import XmrChart

from . import svg
from .svg import Chart, Shape

PADDING = 3


def sparkline(
    *,
    title: str,
    points: list[tuple[str, Decimal]],
    unit: str,
    precision: int,
    chart: XmrChart | None = None,
    chart_start: int = 0,
    frequency: str = "",
    width: int = 120,
    height: int = 30,
) -> Chart:
    """The trend of (period label, value), earliest first, in a ``width`` × ``height`` box.

    With ``chart`` (the XmR chart of the points from ``chart_start`` on: the latest phase
    after a recalculation), a grey band shows its process limits under those points.

    A sparkline is drawn once for the same inputs and kept (`_drawn`): a scorecard draws one
    per row on every request, and the figures behind them change only at sign-off.
    """
    if chart is not None and len(chart.points) != len(points) - chart_start:
        raise ValueError("the XmR chart and the points must be of the same series")
    limits = (
        _Limits(chart.lower_process_limit, chart.upper_process_limit) if chart is not None else None
    )
    # A Period shows as its label.
    series = tuple((str(label), value) for label, value in points)
    return _drawn(title, series, unit, precision, limits, chart_start, frequency, width, height)


@dataclass(frozen=True)
class _Limits:
    """All of an XmR chart a sparkline shows: its process limits (the grey band)."""

    lower_process_limit: Decimal
    upper_process_limit: Decimal


# Each kept drawing is about 2 KB: 4,096 of them are a county's scorecard rows and then some.
@lru_cache(maxsize=4096)
def _drawn(title, points, unit, precision, chart, chart_start, frequency, width, height) -> Chart:
    points = list(points)

    def shown(value: Decimal) -> str:
        return format_value(value, precision, unit)

    rows = tuple((label, shown(value)) for label, value in points)
    chart_id = svg.chart_id(title, rows)
    description = _describe(points, chart, chart_start, frequency, shown)
    return Chart(
        svg=svg.document(
            chart=chart_id,
            width=width,
            height=height,
            title=title,
            description=description,
            body=_draw(points, chart, chart_start, width, height),
            fixed_size=True,
        ),
        title=title,
        description=description,
        table_caption=f"{title}: the data",
        table_headers=("Period", "Value"),
        table_rows=rows,
        id=chart_id,
        numeric_columns=(1,),
    )


def _describe(points, chart, chart_start, frequency, shown) -> str:
    if not points:
        return "No values yet."
    adjective = f"{frequency} " if frequency else ""
    latest_label, latest = points[-1]
    if len(points) == 1:
        words = f"1 {adjective}value, for {latest_label}: {shown(latest)}."
    else:
        words = (
            f"Trend of {len(points)} {adjective}values from {points[0][0]} to {latest_label}; "
            f"latest {shown(latest)}."
        )
    if chart is not None:
        since = f" since the recalculation from {points[chart_start][0]}" if chart_start else ""
        words += (
            f" Process limits{since} {shown(chart.lower_process_limit)} to "
            f"{shown(chart.upper_process_limit)} (the grey band)."
        )
    return words


def _draw(points, chart, chart_start, width, height) -> list[str]:
    if not points:
        return []
    values = [value for _label, value in points]
    extent = list(values)
    if chart is not None:
        extent += [chart.lower_process_limit, chart.upper_process_limit]
    low, high = min(extent), max(extent)
    if low == high:
        low, high = low - 1, high + 1
    y_of = svg.Scale(low, high, height - PADDING, PADDING)
    count = len(points)

    def x_of(index: int) -> float:
        if count == 1:
            return width / 2
        return PADDING + index * (width - 2 * PADDING) / (count - 1)

    parts = []
    if chart is not None:
        top, bottom = y_of(chart.upper_process_limit), y_of(chart.lower_process_limit)
        start = 0 if chart_start == 0 else (x_of(chart_start - 1) + x_of(chart_start)) / 2
        parts.append(
            svg.tag(
                "rect",
                x=start,
                y=top,
                width=width - start,
                height=max(bottom - top, 1),
                fill=svg.BAND,
                class_="gt-band",
            )
        )
    coordinates = [(x_of(i), y_of(value)) for i, value in enumerate(values)]
    if count > 1:
        parts.append(svg.polyline(coordinates, stroke=svg.GREY, width=1.5, class_="gt-values"))
    x, y = coordinates[-1]
    parts.append(svg.marker(Shape.circle, x, y, size=5, fill=svg.TEXT, class_="gt-latest"))
    return parts
