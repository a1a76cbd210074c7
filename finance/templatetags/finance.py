"""Money as the finance pages show it."""

from decimal import Decimal, InvalidOperation

from django import template

from finance.queries import pounds as pounds_shown

register = template.Library()


@register.filter
def pounds(amount) -> str:
    """An amount (a Decimal, or a revision's stored text) in whole pounds: £1,234, −£1,234."""
    if amount is None or amount == "":
        return ""
    try:
        return pounds_shown(Decimal(str(amount)))
    except InvalidOperation:
        return str(amount)
