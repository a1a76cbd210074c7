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


@register.filter
def next_reminder_for(next_reminders: dict, service_id: int):
    """The next reminder a service's outstanding return brings (returns.chasing.next_reminders)."""
    return next_reminders.get(service_id) if next_reminders else None


@register.filter
def next_reminder(reminder, today) -> str:
    """A service's next reminder, short enough for a table cell: "Due now: data owners" or
    "29 Nov 2026: performance team, weekly"."""
    if reminder is None:
        return "None"
    when = "Due now" if reminder.day <= today else reminder.day.strftime("%-d %b %Y")
    every = reminder.rule.repeat_every_days
    repeats = {None: "", 1: ", daily", 7: ", weekly"}.get(every, f", every {every} days")
    return f"{when}: {audience_of(reminder.rule)}{repeats}"


@register.filter
def audience_of(rule) -> str:
    """Who a reminder step reaches, as the chasing table says it: "data owners", "managers"."""
    return {
        "data_owner": "data owners",
        "manager": "approvers and head of service",
        "performance_team": "performance team",
    }.get(rule.audience, rule.get_audience_display().lower())
