"""Risk scores and bands, trend between reviews, and review dates."""

from calendar import monthrange
from collections.abc import Mapping, Sequence
from datetime import date
from types import MappingProxyType

from .choices import LabelledChoice

SCORE_RANGE = range(1, 6)  # STATUS-RULES: likelihood and impact are each 1-5


class RiskBand(LabelledChoice):
    low = "low", "Low"
    medium = "medium", "Medium"
    high = "high", "High"
    very_high = "very_high", "Very high"


# Inclusive score ranges; an organisation may configure its own.
DEFAULT_BANDS: Mapping[RiskBand, tuple[int, int]] = MappingProxyType(
    {
        RiskBand.low: (1, 4),
        RiskBand.medium: (5, 9),
        RiskBand.high: (10, 15),
        RiskBand.very_high: (16, 25),
    }
)


def _check_rating(name: str, rating: int) -> None:
    if isinstance(rating, bool) or not isinstance(rating, int) or rating not in SCORE_RANGE:
        raise ValueError(f"{name} must be a whole number from 1 to 5, got {rating!r}")


def risk_score(likelihood: int, impact: int) -> int:
    _check_rating("likelihood", likelihood)
    _check_rating("impact", impact)
    return likelihood * impact


def check_bands(bands: Mapping[RiskBand, tuple[int, int]]) -> None:
    """ValueError unless the bands cover scores 1-25 once each, in band order."""
    expected_first = 1
    for band in RiskBand:
        if band not in bands:
            raise ValueError(f"no range for {band.label.lower()}")
        first, last = bands[band]
        if first != expected_first or last < first:
            raise ValueError(f"{band.label} must start at {expected_first} and not end before it")
        expected_first = last + 1
    if expected_first != 26:
        raise ValueError("the bands must end at 25")


def risk_band(score: int, bands: Mapping[RiskBand, tuple[int, int]] = DEFAULT_BANDS) -> RiskBand:
    for band, (first, last) in bands.items():
        if first <= score <= last:
            return band
    raise ValueError(f"no risk band contains the score {score}")


class RiskTrend(LabelledChoice):
    new = "new", "New"
    rising = "rising", "Rising"
    falling = "falling", "Falling"
    stable = "stable", "Stable"


DEFAULT_REVIEW_INTERVAL_MONTHS = 3  # STATUS-RULES: default review interval


def _check_score(name: str, score: int) -> None:
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 25:
        raise ValueError(f"{name} must be a whole number from 1 to 25, got {score!r}")


def risk_trend(current: int, previous: int | None) -> RiskTrend:
    """This review's current score against the previous review's: 12 after 9 is Rising, 9
    after 12 Falling, 12 after 12 Stable; a first review (no previous score) is New."""
    _check_score("current score", current)
    if previous is None:
        return RiskTrend.new
    _check_score("previous score", previous)
    if current > previous:
        return RiskTrend.rising
    if current < previous:
        return RiskTrend.falling
    return RiskTrend.stable


def is_above_target(current_score: int, target_score: int) -> bool:
    """Strictly above: a current score of 10 against a target of 10 is not above target.

    Pass the latest review's scores (STATUS-RULES: its target score is the one that counts).
    """
    _check_score("current score", current_score)
    _check_score("target score", target_score)
    return current_score > target_score


def next_review_date(
    last_review: date, interval_months: int = DEFAULT_REVIEW_INTERVAL_MONTHS
) -> date:
    """The last review plus whole calendar months, pulled back to the month's last day.

    15 Jan 2025 + 3 months = 15 Apr 2025; 30 Nov 2024 + 3 = 28 Feb 2025 (29 Feb 2024 from
    30 Nov 2023); 31 Jan 2024 + 1 = 29 Feb 2024.
    """
    if (
        isinstance(interval_months, bool)
        or not isinstance(interval_months, int)
        or interval_months < 1
    ):
        raise ValueError(f"the review interval must be 1 month or more, got {interval_months!r}")
    year, month_index = divmod(last_review.year * 12 + last_review.month - 1 + interval_months, 12)
    month = month_index + 1
    return date(year, month, min(last_review.day, monthrange(year, month)[1]))


def is_review_overdue(
    last_review: date, on: date, interval_months: int = DEFAULT_REVIEW_INTERVAL_MONTHS
) -> bool:
    """Overdue from the day after the next review date: a review last on 15 Jan 2025 is due
    15 Apr, still not overdue that day, overdue on 16 Apr.

    ``last_review`` is the latest review, so a newer review is already taken into account.
    """
    return on > next_review_date(last_review, interval_months)


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def check_review_dates(review_dates: Sequence[date], today: date) -> None:
    """ValueError for a review dated in the future, or two reviews on one day.

    A risk's reviews must be told apart by date for the trend to know which came first.
    """
    seen: set[date] = set()
    for day in review_dates:
        if day > today:
            raise ValueError(f"a review cannot be dated in the future ({_long_date(day)})")
        if day in seen:
            raise ValueError(f"two reviews on one day ({_long_date(day)})")
        seen.add(day)
