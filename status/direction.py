"""Direction of travel: the shown value against the comparison period's shown value."""

from decimal import Decimal

from .choices import LabelledChoice
from .numbers import shown
from .periods import Aggregation
from .polarity import Polarity


class Direction(LabelledChoice):
    improving = "improving", "Improving"
    worsening = "worsening", "Worsening"
    no_change = "no_change", "No change"
    # STATUS-RULES: polarity "neither" gets LG Inform's words, with no judgement.
    increasing = "increasing", "Increasing"
    decreasing = "decreasing", "Decreasing"
    not_comparable = "not_comparable", "Not comparable"


class Comparison(LabelledChoice):
    previous_period = "previous_period", "Previous period"
    same_period_last_year = "same_period_last_year", "Same period last year"


def comparison_for(
    *, aggregation: Aggregation, seasonal: bool = False, setting: Comparison | None = None
) -> Comparison:
    """The period an indicator's value is compared with.

    A per-indicator setting wins; otherwise the previous period, except for cumulative and
    seasonal indicators, which compare with the same period last year.
    """
    if setting is not None:
        return Comparison(setting)
    if seasonal or Aggregation(aggregation) is Aggregation.cumulative:
        return Comparison.same_period_last_year
    return Comparison.previous_period


def distance_from_range(value: Decimal, lower: Decimal, upper: Decimal) -> Decimal:
    """How far ``value`` lies outside [lower, upper]; 0 inside it."""
    if value < lower:
        return lower - value
    if value > upper:
        return value - upper
    return Decimal(0)


def _judged(better: bool, worse: bool) -> Direction:
    if better:
        return Direction.improving
    if worse:
        return Direction.worsening
    return Direction.no_change


def direction_of_travel(
    *,
    current: Decimal | None,
    previous: Decimal | None,
    polarity: Polarity,
    precision: int,
    lower: Decimal | None = None,
    upper: Decimal | None = None,
) -> Direction:
    """Improving, worsening, no change (or increasing/decreasing) on shown values."""
    now, before = shown(current, precision), shown(previous, precision)
    if now is None or before is None:
        return Direction.not_comparable
    polarity = Polarity(polarity)
    if polarity is Polarity.higher_is_better:
        return _judged(now > before, now < before)
    if polarity is Polarity.lower_is_better:
        return _judged(now < before, now > before)
    if polarity is Polarity.in_range and lower is not None and upper is not None:
        # STATUS-RULES: closer to the range (0 inside it) is better; equally far is no change.
        distance_now = distance_from_range(now, lower, upper)
        distance_before = distance_from_range(before, lower, upper)
        return _judged(distance_now < distance_before, distance_now > distance_before)
    # Neither, and an in-range indicator without both ends: no judgement.
    if now > before:
        return Direction.increasing
    if now < before:
        return Direction.decreasing
    return Direction.no_change
