"""Presentation of status readings: GOV.UK tag colours, always beside the words."""

from decimal import Decimal

from django import template
from django.utils.safestring import mark_safe

from scorecards.trends import trend_svg
from status.direction import Direction
from status.numbers import format_value, round_half_up
from status.quality import Quality
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
def data_quality(quality) -> Quality | None:
    """A figure's data quality when it carries a marker (provisional or estimated), else None."""
    if not quality:
        return None
    found = Quality(quality)
    return found if found.is_marked else None


@register.filter
def marked_qualities(items) -> list[Quality]:
    """The marked data qualities among a page's figures, for its footnote, in a fixed order.

    `items` are readings or report lines, things holding one (a published line's `row`, an
    A to Z entry's `latest`, a report section's `section`) or sections of them (`readings`,
    `rows`, an A to Z letter's `entries`)."""
    found = set(_qualities_in(items))
    return [quality for quality in Quality if quality.is_marked and quality in found]


def _qualities_in(item):
    if hasattr(item, "data_quality"):
        yield item.data_quality
        return
    for name in ("row", "latest", "section", "readings", "rows", "entries"):
        inner = getattr(item, name, None)
        if inner is not None:
            yield from _qualities_in(inner() if callable(inner) else inner)
            return
    if isinstance(item, list | tuple):
        for part in item:
            yield from _qualities_in(part)


@register.filter
def direction_summary(roll_up) -> str:
    """Counts by direction of travel in words, leaving out the directions nobody has."""
    parts = [f"{d.label.lower()} {n}" for d, n in roll_up.directions.items() if n]
    return "; ".join(parts) if parts else "none"


@register.filter
def sparkline_svg(reading) -> str:
    """A reading's trend as a tiny inline chart: as kept with it, or drawn now."""
    if reading.trend is not None:
        return mark_safe(reading.trend)  # drawn by trend_svg, every text in it escaped
    return trend_svg(reading)


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
