"""Rounding and display of values: a value is judged as it is shown."""

from decimal import ROUND_HALF_UP, Context, Decimal


def _as_decimal(value: Decimal | int) -> Decimal:
    # STATUS-RULES: values are exact Decimals, never binary floats.
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"expected a Decimal, got {type(value).__name__}")
    value = Decimal(value)
    if not value.is_finite():
        raise ValueError(f"not a finite value: {value}")
    return value


def round_half_up(value: Decimal | int, places: int) -> Decimal:
    """Round to ``places`` decimal places, half away from zero (Excel's ROUND).

    A result of zero is always +0, never -0.
    """
    if places < 0:
        raise ValueError("places must be 0 or more")
    value = _as_decimal(value)
    # Enough digits for the quantized result, whatever the ambient decimal context says.
    context = Context(prec=max(28, value.adjusted() + places + 2))
    result = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=context)
    # STATUS-RULES: a value that rounds to zero from below is shown and judged as 0, not -0.
    return result.copy_abs() if result.is_zero() else result


def shown(value: Decimal | int | None, precision: int) -> Decimal | None:
    """The value as shown at the indicator's display precision (None stays None)."""
    if value is None:
        return None
    return round_half_up(value, precision)


# Units that only say "this is a count": shown as the bare number.
PLAIN_COUNT_UNITS = frozenset({"number", "count"})


def format_value(value: Decimal | int, precision: int, unit: str = "") -> str:
    """The value as text: ``90.0%``, ``£1,234``, ``12.5 days``, ``1,234``."""
    number = round_half_up(value, precision)
    digits = f"{abs(number):,.{precision}f}"
    sign = "-" if number < 0 else ""
    if unit == "%":
        return f"{sign}{digits}%"
    if unit == "£":
        return f"{sign}£{digits}"
    if unit and unit.lower() not in PLAIN_COUNT_UNITS:
        return f"{sign}{digits} {unit}"
    return f"{sign}{digits}"


def ordinal(number: int) -> str:
    """A rank in words: 1st, 2nd, 3rd, 4th … 11th, 12th, 13th … 21st, 22nd."""
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ORDINAL_SUFFIXES.get(number % 10, 'th')}"


ORDINAL_SUFFIXES = {1: "st", 2: "nd", 3: "rd"}
