from django import template

from status.delivery import DeliveryStatus

register = template.Library()

DELIVERY_TAG = {
    DeliveryStatus.complete: "govuk-tag--blue",
    DeliveryStatus.on_track: "govuk-tag--green",
    DeliveryStatus.at_risk: "govuk-tag--yellow",
    DeliveryStatus.off_track: "govuk-tag--red",
    DeliveryStatus.overdue: "govuk-tag--red",
    DeliveryStatus.deferred: "govuk-tag--purple",
    DeliveryStatus.not_started: "govuk-tag--grey",
}


@register.filter
def delivery_tag(status: str) -> str:
    """The tag's colour for a delivery status; its label always says the status in words."""
    return DELIVERY_TAG.get(status, "govuk-tag--grey")


@register.filter
def slippage(days: int | None) -> str:
    """A milestone's slippage in words: "12 days late", "3 days early", "On time"."""
    return slippage_text(days)


def slippage_text(days: int | None) -> str:
    if days is None:
        return "No forecast"
    if days == 0:
        return "On time"
    unit = "day" if abs(days) == 1 else "days"
    return f"{abs(days)} {unit} {'late' if days > 0 else 'early'}"
