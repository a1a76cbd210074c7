"""Checks on an officer's figure before it is saved or submitted.

Errors block submission; warnings (a figure far outside the indicator's history) must be
confirmed with a reason. Every message names the indicator and says how to put it right.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

# The rules every figure meets, whichever way it comes in, are the indicator's own (the
# workflow checks them too); their messages are re-exported here for the return's pages.
from indicators.validation import (  # noqa: F401
    ABOVE_MAXIMUM,
    BELOW_MINIMUM,
    BOTH_OR_NEITHER,
    DENOMINATOR_ZERO,
    FIGURE_MISMATCH,
    FIGURE_OR_REASON,
    NUMERATOR_OVER_DENOMINATOR,
    PERCENT_RANGE,
    figure_problems,
)
from status.numbers import format_value
from status.rag import Rag

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

    errors.update(figure_problems(definition, entry, submitting=submitting))

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
