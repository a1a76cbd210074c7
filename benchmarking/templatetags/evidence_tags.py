"""Who may change the evidence beside an outcome, asked where the panel is shown: panels are
built for the theme and the quarter, not for the person reading them."""

from django import template

from organisation.permissions import Action, can

register = template.Library()


@register.filter
def may_change_evidence(user) -> bool:
    """The performance team links evidence to outcomes (`benchmarking.evidence`)."""
    return can(user, Action.MANAGE_FRAMEWORK)
