from django import template

from indicators.models import CycleState

register = template.Library()

CYCLE_STATE_TAG = {
    CycleState.PLANNED: "govuk-tag--grey",
    CycleState.OPEN: "govuk-tag--blue",
    CycleState.CLOSED: "govuk-tag--purple",
}


@register.filter
def cycle_state_tag(state: str) -> str:
    return CYCLE_STATE_TAG.get(state, "govuk-tag--grey")


@register.filter
def days(number: int | None) -> str:
    """A timeliness figure in words: "12 days", "1 day", or "Not yet" for what has not happened."""
    if number is None:
        return "Not yet"
    return f"{number} day{'' if abs(number) == 1 else 's'}"
