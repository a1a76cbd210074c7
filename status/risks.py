"""Risk scores and bands."""

from collections.abc import Mapping
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
