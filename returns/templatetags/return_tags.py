from django import template

from returns.queries import ReturnState

register = template.Library()

STATE_TAG = {
    ReturnState.NOT_STARTED: "govuk-tag--grey",
    ReturnState.DRAFT: "govuk-tag--yellow",
    ReturnState.RETURNED: "govuk-tag--red",
    ReturnState.SUBMITTED: "",
    ReturnState.APPROVED: "govuk-tag--green",
}

VALUE_STATE_TAG = {
    "draft": "govuk-tag--yellow",
    "returned": "govuk-tag--red",
    "submitted": "",
    "approved": "govuk-tag--green",
    "published": "govuk-tag--green",
}


@register.filter
def return_state_tag(state: str) -> str:
    return STATE_TAG.get(state, "govuk-tag--grey")


@register.filter
def value_state_tag(state: str) -> str:
    return VALUE_STATE_TAG.get(state, "govuk-tag--grey")


@register.filter
def plain(number) -> str:
    """A stored number without trailing zeros or exponent: 1200.000000 → 1200."""
    if number is None:
        return ""
    return format(number.normalize(), "f")
