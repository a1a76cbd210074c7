"""How an annual target is shared out over the year's periods: pure Python, no Django.

The share follows how the indicator's year aggregates (STATUS-RULES, "Periods"), so each
period's target is comparable with that period's figure:

- sum: the periods' targets add up to the annual target (a count shared out);
- cumulative: each period's target is the year to date, reaching the annual target at the end;
- snapshot and average: a level, not an amount, so an even profile is the annual target in
  every period (a percentage is never split); a seasonal one moves it with the seasons.

Period targets are rounded half-up to the indicator's precision (they are shown, and a figure
is judged as shown); the last period takes what rounding left over, so a sum or cumulative
year still comes to the annual target exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum

from status.numbers import round_half_up
from status.periods import Aggregation


class Profile(StrEnum):
    EVEN = "even"
    SEASONAL = "seasonal"
    TYPED = "typed"


PROFILE_LABELS = {
    Profile.EVEN: "Even",
    Profile.SEASONAL: "Seasonal",
    Profile.TYPED: "Typed per period",
}


class ProfileError(ValueError):
    """The profile cannot be made; the message says why and what to do."""


NO_HISTORY = (
    "there is no complete past year of signed-off figures to take the seasons from. "
    "Choose Even, or type the period targets"
)
FLAT_HISTORY = (
    "the past years' figures add up to 0, so they give no seasons. "
    "Choose Even, or type the period targets"
)


def seasonal_weights(
    past_years: Sequence[Sequence[Decimal | None]], aggregation: Aggregation
) -> list[Decimal]:
    """Each period's weight from past years' figures (each year's in period order).

    Only complete years count. For a sum, the share of each period in the years' total; for
    cumulative, the share of the year reached by each period; for snapshot and average, each
    period's level against the years' mean level (weights averaging 1)."""
    aggregation = Aggregation(aggregation)
    years = [list(year) for year in past_years if year and all(v is not None for v in year)]
    if not years:
        raise ProfileError(NO_HISTORY)
    count = len(years[0])
    years = [year for year in years if len(year) == count]
    if aggregation is Aggregation.cumulative:
        ends = sum((year[-1] for year in years), Decimal(0))
        if ends == 0:
            raise ProfileError(FLAT_HISTORY)
        return [sum((year[i] for year in years), Decimal(0)) / ends for i in range(count)]
    totals = [sum((year[i] for year in years), Decimal(0)) for i in range(count)]
    whole = sum(totals, Decimal(0))
    if whole == 0:
        raise ProfileError(FLAT_HISTORY)
    if aggregation is Aggregation.sum:
        return [total / whole for total in totals]
    return [total * count / whole for total in totals]


def period_targets(
    annual: Decimal,
    count: int,
    aggregation: Aggregation,
    precision: int,
    weights: Sequence[Decimal] | None = None,
) -> list[Decimal]:
    """The targets of the year's `count` periods from the annual target: even without
    `weights`, seasonal with them (from `seasonal_weights`)."""
    aggregation = Aggregation(aggregation)
    if count <= 1:
        return [annual]
    if weights is None:
        if aggregation is Aggregation.sum:
            weights = [Decimal(1) / count] * count
        elif aggregation is Aggregation.cumulative:
            weights = [Decimal(i + 1) / count for i in range(count)]
        else:
            weights = [Decimal(1)] * count
    if len(weights) != count:
        raise ProfileError(NO_HISTORY)
    if aggregation is Aggregation.sum:
        shares = [round_half_up(annual * weight, precision) for weight in weights[:-1]]
        return [*shares, annual - sum(shares, Decimal(0))]
    targets = [round_half_up(annual * weight, precision) for weight in weights]
    if aggregation is Aggregation.cumulative:
        # The year to date at the year's end is the year; rounding never overshoots it.
        bound = min if annual >= 0 else max
        targets = [bound(target, annual) for target in targets[:-1]] + [annual]
    elif aggregation is Aggregation.snapshot and weights[-1] != 0:
        # The year's figure is its last period's: that period carries the annual target.
        targets = [round_half_up(annual * w / weights[-1], precision) for w in weights]
        targets[-1] = annual
    return targets
