"""Checks on an officer's figure before it is saved or submitted.

Errors block submission; warnings (a figure far outside the indicator's history) must be
confirmed with a reason. Every message names the indicator and says how to put it right.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from status.numbers import format_value, round_half_up
from status.rag import Rag

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
UNUSUAL_FIGURE = (
    "{title}: {figure} is far outside this indicator's usual range ({low} to {high}). "
    "Check it; if it is right, confirm it and say why"
)
UNUSUAL_REASON_REQUIRED = "{title}: say why the unusual figure is right"
COMMENTARY_REQUIRED = (
    "{title} is {status}: add commentary saying what the figure shows and what is being done"
)

# A figure more than this many process-limit widths from the centre of its history is unusual.
UNUSUAL_LIMIT_FACTOR = Decimal("2.66")
MINIMUM_HISTORY = 5


@dataclass
class Entry:
    """What an officer entered for one indicator in one period."""

    figure: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    not_available_reason: str = ""
    commentary: str = ""
    confirm_unusual: bool = False
    unusual_reason: str = ""


@dataclass
class Checked:
    errors: dict[str, str] = field(default_factory=dict)  # field name → message
    warnings: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def usual_range(history: list[Decimal]) -> tuple[Decimal, Decimal] | None:
    """Centre ± 2.66 × mean moving range of the recent signed-off figures (an XmR band)."""
    if len(history) < MINIMUM_HISTORY:
        return None
    moving = [abs(b - a) for a, b in pairwise(history)]
    centre = sum(history, Decimal(0)) / len(history)
    spread = sum(moving, Decimal(0)) / len(moving) * UNUSUAL_LIMIT_FACTOR
    if spread == 0:
        return None
    return centre - spread, centre + spread


def check_entry(
    *,
    definition,
    entry: Entry,
    history: list[Decimal],
    status: Rag | None,
    submitting: bool,
) -> Checked:
    """Check one entry. `definition` is the indicator (or version) being reported; `status`
    is what the status rules make of the figure; `history` is its recent signed-off figures."""
    checked = Checked()
    title, unit, precision = definition.title, definition.unit, definition.precision
    errors = checked.errors
    shown = lambda number: format_value(number, precision, unit)  # noqa: E731

    if entry.figure is None:
        if submitting and not entry.not_available_reason.strip():
            errors["figure"] = FIGURE_OR_REASON.format(title=title)
    else:
        _check_bounds(definition, entry.figure, errors, shown)
    _check_ratio(definition, entry, errors, shown)

    if entry.figure is not None and "figure" not in errors:
        band = usual_range(history)
        if band and not (band[0] <= entry.figure <= band[1]):
            if not entry.confirm_unusual:
                checked.warnings["figure"] = UNUSUAL_FIGURE.format(
                    title=title,
                    figure=shown(entry.figure),
                    low=shown(band[0]),
                    high=shown(band[1]),
                )
            elif submitting and not entry.unusual_reason.strip():
                errors["unusual_reason"] = UNUSUAL_REASON_REQUIRED.format(title=title)

    needs_commentary = status in (Rag.red, Rag.missing) or entry.figure is None
    if submitting and needs_commentary and not entry.commentary.strip():
        label = status.label if status in (Rag.red, Rag.missing) else Rag.missing.label
        errors["commentary"] = COMMENTARY_REQUIRED.format(title=title, status=label)
    return checked


def _check_bounds(definition, figure: Decimal, errors: dict, shown) -> None:
    title, unit = definition.title, definition.unit
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


def _check_ratio(definition, entry: Entry, errors: dict, shown) -> None:
    title = definition.title
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
    if round_half_up(expected, precision) != round_half_up(entry.figure, precision):
        errors["figure"] = FIGURE_MISMATCH.format(
            title=title, figure=shown(entry.figure), expected=shown(expected)
        )


def _plain(number: Decimal) -> str:
    """1200.000000 as "1200", not "1.2E+3"."""
    return format(number.normalize(), "f")
