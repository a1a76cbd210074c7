"""A scorecard row's trend, a sparkline drawn once when its reading is judged and kept with
it (`stored.Kept.trend`), so a scorecard page draws no chart and unpickles no series."""

from charts.sparkline import sparkline


def trend_svg(reading) -> str:
    """The reading's trend as a tiny inline chart with its own title and description; empty
    under two points. The reading's latest SPC phase shows as a grey band of its limits."""
    if len(reading.series) < 2:
        return ""
    phases = reading.spc.phases
    return sparkline(
        title=f"Trend: {reading.definition.title}",
        points=list(reading.series),
        unit=reading.definition.unit,
        precision=reading.definition.precision,
        chart=reading.spc.chart,
        chart_start=phases[-1].start if phases else 0,
        frequency=reading.indicator.get_frequency_display().lower(),
    ).svg
