"""Finance: a budget line's forecast outturn against its budget, and its direction of travel."""

from dataclasses import dataclass
from decimal import Context, Decimal

from .choices import LabelledChoice
from .numbers import round_half_up

PERCENT_PLACES = 1  # STATUS-RULES: variance % is shown, and judged, to 1 dp
POUNDS_PLACES = 0  # money is shown in whole pounds

# Enough digits that money stays exact and the percent is, in effect, rounded only once (to
# 1 dp), whatever the ambient decimal context says.
_EXACT = Context(prec=60)


class FinanceStatus(LabelledChoice):
    on_budget = "on_budget", "On budget"
    over_amber = "over_amber", "Over budget (amber)"
    over_red = "over_red", "Over budget (red)"


class FinanceDirection(LabelledChoice):
    improving = "improving", "Improving"
    worsening = "worsening", "Worsening"
    no_change = "no_change", "No change"


# Worst last, so the worse of two readings is the later one.
_SEVERITY = tuple(FinanceStatus)


@dataclass(frozen=True)
class FinanceThresholds:
    """The council's thresholds: over budget (amber) above ``amber_percent`` of the budget, red
    above ``red_percent``; optionally also above an amount in pounds (either or both)."""

    amber_percent: Decimal = Decimal(1)
    red_percent: Decimal = Decimal(5)
    amber_pounds: Decimal | None = None
    red_pounds: Decimal | None = None

    def __post_init__(self) -> None:
        for name in ("amber_percent", "red_percent", "amber_pounds", "red_pounds"):
            amount = getattr(self, name)
            if amount is not None and amount < 0:
                raise ValueError(f"{name.replace('_', ' ')} cannot be negative")
        if self.amber_percent > self.red_percent:
            raise ValueError("the amber percent cannot be above the red percent")
        if (
            self.amber_pounds is not None
            and self.red_pounds is not None
            and self.amber_pounds > self.red_pounds
        ):
            raise ValueError("the amber amount in pounds cannot be above the red amount")

    @property
    def has_pounds(self) -> bool:
        return self.amber_pounds is not None or self.red_pounds is not None


DEFAULT_THRESHOLDS = FinanceThresholds()


@dataclass(frozen=True)
class FinanceReading:
    variance: Decimal  # exact; positive = overspend
    variance_percent: Decimal | None  # as shown (1 dp); None for a budget of 0
    status: FinanceStatus
    significant_underspend: bool  # a flag beside On budget, not a RAG


def variance(budget: Decimal, forecast: Decimal) -> Decimal:
    """Forecast outturn − budget, exactly: positive is an overspend (£1,050,000 against
    £1,000,000 is 50,000)."""
    return _EXACT.subtract(forecast, budget)


def variance_percent(budget: Decimal, forecast: Decimal) -> Decimal | None:
    """Variance as a percent of |budget|, as shown (1 dp, half away from zero).

    £1,010,400 against £1,000,000 is 1.0 (1.04); £1,010,500 is 1.1. Net income: forecast
    −£90,000 against a budget of −£100,000 is 10.0 (an overspend). A budget of 0 has none.
    """
    if budget == 0:
        return None
    exact = _EXACT.divide(_EXACT.multiply(variance(budget, forecast), 100), abs(budget))
    return round_half_up(exact, PERCENT_PLACES)


def _by_percent(percent: Decimal, thresholds: FinanceThresholds) -> FinanceStatus:
    # STATUS-RULES: band edges belong to the better band (1.0 is On budget, 5.0 amber).
    if percent > thresholds.red_percent:
        return FinanceStatus.over_red
    if percent > thresholds.amber_percent:
        return FinanceStatus.over_amber
    return FinanceStatus.on_budget


def _by_pounds(pounds: Decimal, thresholds: FinanceThresholds) -> FinanceStatus:
    # Money is judged exactly, edges again in the better band.
    if thresholds.red_pounds is not None and pounds > thresholds.red_pounds:
        return FinanceStatus.over_red
    if thresholds.amber_pounds is not None and pounds > thresholds.amber_pounds:
        return FinanceStatus.over_amber
    return FinanceStatus.on_budget


def _worse(first: FinanceStatus, second: FinanceStatus) -> FinanceStatus:
    return max(first, second, key=_SEVERITY.index)


def finance_reading(
    budget: Decimal, forecast: Decimal, thresholds: FinanceThresholds = DEFAULT_THRESHOLDS
) -> FinanceReading:
    """Status of a budget line at one period's forecast, by the default thresholds (1 %, 5 %):

    - variance % 1.0 (or 1.04, shown 1.0) is On budget; 1.05 (shown 1.1) to 5.0 amber; 5.1 red;
    - with an amount in pounds as well, the worse reading: 0.5 % over a £100m budget is
      £500,000, red against a red threshold of £250,000;
    - a budget of 0 is judged by the amounts in pounds only; with none set, a forecast of 0 or
      less is On budget and any more is red;
    - significant underspend: variance % below −5 (−5.0 is not, −5.1 is), or an underspend of
      more than the red amount in pounds.
    """
    pounds = variance(budget, forecast)
    percent = variance_percent(budget, forecast)
    if percent is not None:
        status = _by_percent(percent, thresholds)
        if thresholds.has_pounds:
            status = _worse(status, _by_pounds(pounds, thresholds))
    elif thresholds.has_pounds:
        status = _by_pounds(pounds, thresholds)
    else:
        # STATUS-RULES: a budget of 0 with no amounts set: any spend at all is red.
        status = FinanceStatus.on_budget if forecast <= 0 else FinanceStatus.over_red
    significant_underspend = (percent is not None and percent < -thresholds.red_percent) or (
        thresholds.red_pounds is not None and -pounds > thresholds.red_pounds
    )
    return FinanceReading(
        variance=pounds,
        variance_percent=percent,
        status=status,
        significant_underspend=significant_underspend,
    )


def finance_direction(
    variance_now: Decimal, variance_before: Decimal | None
) -> FinanceDirection | None:
    """This period's variance against the previous period's forecast for the same year, each
    in shown (whole) pounds: less overspend, or more underspend, is Improving; £40,000.40 after
    £40,000.49 is No change. None with no previous forecast."""
    if variance_before is None:
        return None
    now = round_half_up(variance_now, POUNDS_PLACES)
    before = round_half_up(variance_before, POUNDS_PLACES)
    if now < before:
        return FinanceDirection.improving
    if now > before:
        return FinanceDirection.worsening
    return FinanceDirection.no_change
