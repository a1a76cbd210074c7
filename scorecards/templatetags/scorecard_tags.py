"""Presentation of status readings: GOV.UK tag colours, always beside the words."""

from decimal import Decimal

from django import template

from charts.sparkline import sparkline
from status.direction import Direction
from status.numbers import format_value, round_half_up
from status.rag import Rag
from status.spc import Assurance, Variation

register = template.Library()

RAG_TAG = {
    Rag.green: "govuk-tag--green",
    Rag.amber: "govuk-tag--yellow",
    Rag.red: "govuk-tag--red",
    Rag.data_only: "govuk-tag--grey",
    Rag.pending: "",
    Rag.missing: "govuk-tag--purple",
}

DIRECTION_TAG = {
    Direction.improving: "govuk-tag--green",
    Direction.worsening: "govuk-tag--red",
}

VARIATION_TAG = {
    Variation.improving_high: "",
    Variation.improving_low: "",
    Variation.concerning_high: "govuk-tag--orange",
    Variation.concerning_low: "govuk-tag--orange",
    Variation.special_cause_high: "govuk-tag--purple",
    Variation.special_cause_low: "govuk-tag--purple",
}

ASSURANCE_TAG = {
    Assurance.consistently_passes: "",
    Assurance.consistently_fails: "govuk-tag--orange",
}


@register.filter
def rag_tag(rag: Rag) -> str:
    return RAG_TAG.get(rag, "govuk-tag--grey")


@register.filter
def direction_tag(direction: Direction) -> str:
    return DIRECTION_TAG.get(direction, "govuk-tag--grey")


@register.filter
def variation_tag(variation: Variation) -> str:
    return VARIATION_TAG.get(variation, "govuk-tag--grey")


@register.filter
def assurance_tag(assurance: Assurance) -> str:
    return ASSURANCE_TAG.get(assurance, "govuk-tag--grey")


@register.filter
def percent(share) -> str:
    """A share (0–1) as a whole percentage, or an explanation when there is none."""
    if share is None:
        return "no indicators with a target"
    return f"{round_half_up(share * 100, 0)}%"


@register.filter
def shown(figure, definition) -> str:
    """A stored figure as the indicator shows it: rounded half-up, with its unit."""
    if figure is None or figure == "":
        return ""
    if isinstance(figure, str):  # revision snapshots keep figures as text
        figure = Decimal(figure)
    return format_value(figure, definition.precision, definition.unit)


@register.filter
def direction_summary(roll_up) -> str:
    """Counts by direction of travel in words, leaving out the directions nobody has."""
    parts = [f"{d.label.lower()} {n}" for d, n in roll_up.directions.items() if n]
    return "; ".join(parts) if parts else "none"


@register.filter
def sparkline_svg(reading) -> str:
    """A reading's trend as a tiny inline chart (its own title and description)."""
    if len(reading.series) < 2:
        return ""
    return sparkline(
        title=f"Trend: {reading.definition.title}",
        points=list(reading.series),
        unit=reading.definition.unit,
        precision=reading.definition.precision,
        chart=reading.spc.chart,
        frequency=reading.indicator.get_frequency_display().lower(),
    ).svg


@register.filter
def figure_period(reading, span) -> str:
    """The period a reading's figure is for, when it is not simply the scorecard's period."""
    from scorecards.readings import figure_period_label

    label = figure_period_label(reading, span)
    return "" if label == span.label else label


@register.filter
def govuk_time(moment) -> str:
    """A time the GOV.UK way: 6pm, 2:30pm, midday, midnight."""
    from django.utils import timezone

    local = timezone.localtime(moment)
    if (local.hour, local.minute) == (12, 0):
        return "midday"
    if (local.hour, local.minute) == (0, 0):
        return "midnight"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"
