"""RAG status: a value against its target, judged as it is shown."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Self

from .choices import LabelledChoice
from .direction import Direction, direction_of_travel
from .numbers import shown
from .polarity import Polarity

__all__ = [
    "DEFAULT_TOLERANCE_PERCENT",
    "Polarity",
    "Rag",
    "RagRule",
    "Tolerance",
    "rag_status",
    "value_status",
]

DEFAULT_TOLERANCE_PERCENT = Decimal(5)  # STATUS-RULES: organisation default 5 %


class Rag(LabelledChoice):
    green = "green", "Green"
    amber = "amber", "Amber"
    red = "red", "Red"
    data_only = "data_only", "Data only"
    pending = "pending", "Pending"
    missing = "missing", "Missing"


class RagRule(LabelledChoice):
    """The organisation-wide RAG rule, recorded with each report."""

    tolerance = "tolerance", "Tolerance"
    tolerance_and_trend = "tolerance_and_trend", "Tolerance and trend"


@dataclass(frozen=True)
class Tolerance:
    """Either a percent of |target| or an absolute amount (exactly one of the two)."""

    percent: Decimal | None = None
    absolute: Decimal | None = None

    def __post_init__(self) -> None:
        if (self.percent is None) == (self.absolute is None):
            raise ValueError("a tolerance is either a percent or an absolute amount")
        amount = self.percent if self.percent is not None else self.absolute
        if amount is not None and amount < 0:
            raise ValueError("a tolerance cannot be negative")

    @classmethod
    def default(cls) -> Self:
        return cls(percent=DEFAULT_TOLERANCE_PERCENT)

    def band(self, reference: Decimal) -> Decimal:
        """The width of the Amber band next to ``reference`` (a target or a range end)."""
        if self.absolute is not None:
            return self.absolute
        # STATUS-RULES: percent of |t|, so a percent tolerance on a target of 0 gives 0.
        return abs(reference) * self.percent / 100


def _higher_is_better(value: Decimal, target: Decimal, band: Decimal) -> Rag:
    if value >= target:
        return Rag.green
    # STATUS-RULES: band edges are Amber (v = t - band is Amber).
    if value >= target - band:
        return Rag.amber
    return Rag.red


def _lower_is_better(value: Decimal, target: Decimal, band: Decimal) -> Rag:
    if value <= target:
        return Rag.green
    if value <= target + band:
        return Rag.amber
    return Rag.red


def _in_range(value: Decimal, lower: Decimal, upper: Decimal, tolerance: Tolerance) -> Rag:
    if value < lower:
        return _higher_is_better(value, lower, tolerance.band(lower))
    if value > upper:
        return _lower_is_better(value, upper, tolerance.band(upper))
    return Rag.green


def rag_status(
    *,
    value: Decimal,
    target: Decimal | None,
    polarity: Polarity,
    precision: int,
    tolerance: Tolerance | None = None,
    lower: Decimal | None = None,
    upper: Decimal | None = None,
) -> Rag:
    """Green, Amber, Red or Data only for a value that is in (see ``value_status`` otherwise).

    Only the value is rounded; the target, range ends and band edges are used as stored.
    """
    judged = shown(value, precision)
    if judged is None:
        raise ValueError("no value: use value_status for Pending and Missing")
    if tolerance is None:
        tolerance = Tolerance.default()
    polarity = Polarity(polarity)
    if polarity is Polarity.in_range:
        # STATUS-RULES: in range needs both ends, otherwise Data only.
        if lower is None or upper is None:
            return Rag.data_only
        if lower > upper:
            raise ValueError(f"range lower end {lower} is above its upper end {upper}")
        return _in_range(judged, lower, upper, tolerance)
    if polarity is Polarity.neither or target is None:
        return Rag.data_only
    band = tolerance.band(target)
    if polarity is Polarity.higher_is_better:
        return _higher_is_better(judged, target, band)
    return _lower_is_better(judged, target, band)


def value_status(
    *,
    value: Decimal | None,
    target: Decimal | None,
    polarity: Polarity,
    precision: int,
    tolerance: Tolerance | None = None,
    lower: Decimal | None = None,
    upper: Decimal | None = None,
    deadline: date | None,
    today: date,
    rule: RagRule = RagRule.tolerance,
    last_year_value: Decimal | None = None,
) -> Rag:
    """The status of an indicator's value for a period, under the organisation's RAG rule.

    With no value: Pending up to and including the deadline day (or with no deadline set),
    Missing from the day after — for Data-only indicators too.
    """
    if value is None:
        if deadline is None or today <= deadline:
            return Rag.pending
        return Rag.missing
    status = rag_status(
        value=value,
        target=target,
        polarity=polarity,
        precision=precision,
        tolerance=tolerance,
        lower=lower,
        upper=upper,
    )
    if RagRule(rule) is RagRule.tolerance or status is Rag.data_only:
        return status
    # STATUS-RULES: tolerance-and-trend — inside tolerance (Green or Amber by the table) is
    # Green; outside it, Amber if improved on the same period last year, else Red.
    if status in (Rag.green, Rag.amber):
        return Rag.green
    trend = direction_of_travel(
        current=value,
        previous=last_year_value,
        polarity=polarity,
        precision=precision,
        lower=lower,
        upper=upper,
    )
    return Rag.amber if trend is Direction.improving else Rag.red
