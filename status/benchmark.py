"""Benchmarking one value against its comparator group."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .choices import LabelledChoice
from .polarity import Polarity


class Quartile(LabelledChoice):
    top = "top", "Top"
    upper_middle = "upper_middle", "Upper-middle"
    lower_middle = "lower_middle", "Lower-middle"
    bottom = "bottom", "Bottom"


@dataclass(frozen=True)
class BenchmarkPosition:
    p25: Decimal
    median: Decimal
    p75: Decimal
    quartile: Quartile | None  # None for polarity neither and in range
    rank: int  # 1 = best (highest for neither and in range); ties share the best rank
    of: int

    @property
    def rank_label(self) -> str:
        return f"rank {self.rank} of {self.of}"


def percentile_inc(values: Iterable[Decimal], p: Decimal) -> Decimal:
    """Excel's PERCENTILE.INC (QUARTILE.INC at 0.25/0.5/0.75; numpy's default) for 0 ≤ p ≤ 1."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    if not 0 <= p <= 1:
        raise ValueError(f"p must be between 0 and 1, got {p}")
    # Linear interpolation between the closest ranks.
    position = (len(ordered) - 1) * Decimal(p)
    below = int(position)
    fraction = position - below
    if fraction == 0:
        return ordered[below]
    return ordered[below] + fraction * (ordered[below + 1] - ordered[below])


def _quartile_when_higher_is_better(value: Decimal, group: Sequence[Decimal]) -> Quartile:
    if value >= percentile_inc(group, Decimal("0.75")):
        return Quartile.top
    if value >= percentile_inc(group, Decimal("0.5")):
        return Quartile.upper_middle
    if value >= percentile_inc(group, Decimal("0.25")):
        return Quartile.lower_middle
    return Quartile.bottom


def benchmark_position(
    *, value: Decimal, group_values: Iterable[Decimal | None], polarity: Polarity
) -> BenchmarkPosition:
    """Percentiles, quartile and rank of ``value`` within its comparator group.

    ``group_values`` includes the council's own value; authorities with no value (None) are
    left out. Values are not rounded.
    """
    group = [member for member in group_values if member is not None]
    if value not in group:
        raise ValueError("the council's own value must be part of its comparator group")
    polarity = Polarity(polarity)
    quartile = None
    if polarity is Polarity.higher_is_better:
        quartile = _quartile_when_higher_is_better(value, group)
    elif polarity is Polarity.lower_is_better:
        # STATUS-RULES: lower is better is the higher-is-better rule on negated values.
        quartile = _quartile_when_higher_is_better(-value, [-member for member in group])
    if polarity is Polarity.lower_is_better:
        rank = 1 + sum(1 for member in group if member < value)
    else:
        rank = 1 + sum(1 for member in group if member > value)
    return BenchmarkPosition(
        p25=percentile_inc(group, Decimal("0.25")),
        median=percentile_inc(group, Decimal("0.5")),
        p75=percentile_inc(group, Decimal("0.75")),
        quartile=quartile,
        rank=rank,
        of=len(group),
    )
