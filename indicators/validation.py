"""What every figure must satisfy against its indicator, whichever way it comes in.

A figure stays within its indicator's bounds (0 to 100 for a percentage, unless the definition
says otherwise), matches its numerator and denominator, and is submitted only with a figure
or a reason for none. The workflow (`indicators.workflow`) checks these on every change it
saves, so the return form, revising, the imports and the admin cannot differ; the return form
and the importers check first (`returns.validation`) to show each problem against its field.
Whether a number can be stored at all is `indicators.entries`.
"""

from __future__ import annotations

from decimal import Decimal

from status.numbers import format_value, round_half_up

FIGURE_OR_REASON = "{title}: enter a figure, or say why there is no figure this period"
BELOW_MINIMUM = "{title}: the figure cannot be less than {limit}. Check the unit is {unit}"
ABOVE_MAXIMUM = "{title}: the figure cannot be more than {limit}. Check the unit is {unit}"
PERCENT_RANGE = "{title}: a percentage must be between 0 and 100"
DENOMINATOR_ZERO = "{title}: the denominator must be more than 0"
NUMERATOR_OVER_DENOMINATOR = (
    "{title}: the numerator ({numerator}) cannot be more than the denominator ({denominator})"
)
BOTH_OR_NEITHER = "{title}: enter both the numerator and the denominator, or neither"
FIGURE_MISMATCH = (
    "{title}: the figure {figure} does not match the numerator and denominator, which give "
    "{expected}. Correct the figure, the numerator or the denominator"
)


def figure_problems(definition, entry, *, submitting: bool) -> dict[str, str]:
    """Field name → what is wrong with `entry` (anything with `figure`, `numerator`,
    `denominator` and `not_available_reason`: a form's entry or a `Value`) for `definition`
    (an indicator or a version of one). `submitting`: the figure goes for sign-off."""
    errors: dict[str, str] = {}
    if entry.figure is None:
        if submitting and not (entry.not_available_reason or "").strip():
            errors["figure"] = FIGURE_OR_REASON.format(title=definition.title)
    else:
        check_bounds(definition, entry.figure, errors)
    check_ratio(definition, entry, errors)
    return errors


def _shown(definition):
    return lambda number: format_value(number, definition.precision, definition.unit)


def check_bounds(definition, figure: Decimal, errors: dict) -> None:
    title, unit, shown = definition.title, definition.unit, _shown(definition)
    minimum, maximum = definition.minimum_value, definition.maximum_value
    if unit == "%":
        minimum = Decimal(0) if minimum is None else minimum
        maximum = Decimal(100) if maximum is None else maximum
    if minimum is not None and figure < minimum:
        message = PERCENT_RANGE if unit == "%" and minimum == 0 else BELOW_MINIMUM
        errors["figure"] = message.format(title=title, limit=shown(minimum), unit=unit)
    elif maximum is not None and figure > maximum:
        message = PERCENT_RANGE if unit == "%" and maximum == 100 else ABOVE_MAXIMUM
        errors["figure"] = message.format(title=title, limit=shown(maximum), unit=unit)


def check_ratio(definition, entry, errors: dict) -> None:
    title, shown = definition.title, _shown(definition)
    numerator, denominator = entry.numerator, entry.denominator
    if numerator is None and denominator is None:
        return
    if numerator is None or denominator is None:
        field_name = "numerator" if numerator is None else "denominator"
        errors[field_name] = BOTH_OR_NEITHER.format(title=title)
        return
    if denominator <= 0:
        errors["denominator"] = DENOMINATOR_ZERO.format(title=title)
        return
    if definition.unit == "%" and numerator > denominator:
        errors["numerator"] = NUMERATOR_OVER_DENOMINATOR.format(
            title=title, numerator=_plain(numerator), denominator=_plain(denominator)
        )
        return
    if entry.figure is None or "figure" in errors:
        return
    expected = numerator / denominator * definition.ratio_scale
    precision = definition.precision
    shown_alike = round_half_up(expected, precision) == round_half_up(entry.figure, precision)
    # A figure given to more places than are shown may round the other way (89.950 for
    # 89.9499): within half a shown unit of its parts, it matches them.
    close = abs(entry.figure - expected) <= Decimal(5).scaleb(-precision - 1)
    if not (shown_alike or close):
        errors["figure"] = FIGURE_MISMATCH.format(
            title=title, figure=shown(entry.figure), expected=shown(expected)
        )


def _plain(number: Decimal) -> str:
    """1200.000000 as "1200", not "1.2E+3"."""
    return format(number.normalize(), "f")
