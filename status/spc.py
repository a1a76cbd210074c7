"""Statistical process control: the XmR chart and its readings (NHS "Making Data Count").

Points are compared at full stored precision. Limits are worked out exactly so that "outside"
and "beyond" are strict even where a limit has no finite decimal form; the chart reports them
as Decimals. The comparisons are made in whole numbers: every point is scaled by the same
power of ten, and each limit is a whole number over one common denominator, so comparing a
point with a limit is one multiplication (`Scaled`), not a fraction per comparison.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Context, Decimal
from fractions import Fraction
from itertools import pairwise

from .choices import LabelledChoice
from .periods import Aggregation
from .polarity import Polarity

MINIMUM_POINTS = 12
LIMIT_FACTOR = Fraction("2.66")
SCREENING_FACTOR = Fraction("3.267")
SHIFT_POINTS = 7
TREND_POINTS = 6
RULE_PRECEDENCE = (1, 2, 4, 3)  # STATUS-RULES: where rules disagree, 1, then 2, then 4, then 3

_REPORTING = Context(prec=28)


class Side(LabelledChoice):
    high = "high", "High"
    low = "low", "Low"


class Variation(LabelledChoice):
    common_cause = "common_cause", "Common cause"
    improving_high = "improving_high", "Special cause \u2013 improving (high)"
    improving_low = "improving_low", "Special cause \u2013 improving (low)"
    concerning_high = "concerning_high", "Special cause \u2013 concerning (high)"
    concerning_low = "concerning_low", "Special cause \u2013 concerning (low)"
    special_cause_high = "special_cause_high", "Special cause \u2013 high"
    special_cause_low = "special_cause_low", "Special cause \u2013 low"
    not_enough_data = "not_enough_data", "Not enough data"
    not_enough_data_since_recalculation = (
        "not_enough_data_since_recalculation",
        "Not enough data since the recalculation",
    )


class Assurance(LabelledChoice):
    consistently_passes = "consistently_passes", "Consistently passes target"
    consistently_fails = "consistently_fails", "Consistently fails target"
    hit_and_miss = "hit_and_miss", "Hit and miss"
    no_target = "no_target", "No target"
    no_target_at_frequency = "no_target_at_frequency", "No target at this frequency"
    not_enough_data = "not_enough_data", "Not enough data"
    not_enough_data_since_recalculation = (
        "not_enough_data_since_recalculation",
        "Not enough data since the recalculation",
    )


@dataclass(frozen=True)
class XmrPoint:
    index: int
    value: Decimal
    rule1: bool  # outside the process limits
    rule2: bool  # in a shift of 7+ points on one side of the centre line
    rule3: bool  # in a trend of 6+ points each higher (or each lower) than the one before
    rule4: bool  # beyond a 2-sigma line, with another of three consecutive points
    centre_side: Side | None  # None on the centre line
    trend_side: Side | None  # direction of the trend run (rule 3), if any

    @property
    def special_cause(self) -> bool:
        return self.rule1 or self.rule2 or self.rule3 or self.rule4

    @property
    def deciding_rule(self) -> int | None:
        flags = {1: self.rule1, 2: self.rule2, 3: self.rule3, 4: self.rule4}
        return next((rule for rule in RULE_PRECEDENCE if flags[rule]), None)

    @property
    def side(self) -> Side | None:
        """High or low for a special-cause point: the trend's direction when rule 3 decides,
        otherwise the side of the centre line."""
        rule = self.deciding_rule
        if rule is None:
            return None
        return self.trend_side if rule == 3 else self.centre_side


@dataclass(frozen=True)
class ExactLimits:
    """Centre line and MR̄ as exact fractions; every limit derives from them."""

    centre: Fraction
    mr_bar: Fraction

    @property
    def process_width(self) -> Fraction:
        return LIMIT_FACTOR * self.mr_bar

    @property
    def upper(self) -> Fraction:
        return self.centre + self.process_width

    @property
    def lower(self) -> Fraction:
        return self.centre - self.process_width

    @property
    def upper_two_sigma(self) -> Fraction:
        return self.centre + self.process_width * 2 / 3

    @property
    def lower_two_sigma(self) -> Fraction:
        return self.centre - self.process_width * 2 / 3


@dataclass(frozen=True)
class XmrChart:
    points: tuple[XmrPoint, ...]
    baseline: tuple[int, int]  # first and last index (inclusive) that set centre and MR̄
    moving_ranges: tuple[Decimal, ...]  # MR_i = |x_i - x_(i-1)| for i = 1 … n-1
    screened_out: tuple[int, ...]  # indexes i whose MR_i was left out of MR̄
    centre: Decimal
    mr_bar: Decimal
    upper_process_limit: Decimal
    lower_process_limit: Decimal
    upper_two_sigma: Decimal
    lower_two_sigma: Decimal
    exact: ExactLimits = field(repr=False)  # what points and targets are compared with

    @property
    def values(self) -> tuple[Decimal, ...]:
        return tuple(point.value for point in self.points)

    @property
    def latest(self) -> XmrPoint:
        return self.points[-1]


# The factors as whole numbers over whole numbers: 2.66 = 133/50, 3.267 = 3267/1000, and the
# 2-sigma line's 2.66 x 2/3 = 133/75.
_LIMIT, _LIMIT_OVER = LIMIT_FACTOR.numerator, LIMIT_FACTOR.denominator
_SCREEN, _SCREEN_OVER = SCREENING_FACTOR.numerator, SCREENING_FACTOR.denominator
_TWO_SIGMA, _TWO_SIGMA_OVER = (LIMIT_FACTOR * 2 / 3).numerator, (LIMIT_FACTOR * 2 / 3).denominator
_EXACT = Context(prec=1000)  # scaling by a power of ten never rounds


def _scaled(values: Sequence[Decimal]) -> tuple[list[int], int]:
    """The values as whole numbers times one power of ten, and that power (10**places)."""
    numbers = [v if isinstance(v, Decimal) else Decimal(v) for v in values]
    places = 0
    for number in numbers:
        exponent = number.as_tuple().exponent
        if not isinstance(exponent, int):  # "n", "N" or "F": not a number, or infinite
            raise ValueError("SPC needs finite figures")
        places = max(places, -exponent)
    return [int(_EXACT.scaleb(number, places)) for number in numbers], 10**places


@dataclass(frozen=True)
class Scaled:
    """The limits of one chart as whole numbers over a common denominator, for the scaled
    points: a point X (scaled) is above the upper limit when X * over > upper."""

    over: int
    upper: int
    lower: int
    upper_two_sigma: int
    lower_two_sigma: int
    # The centre line alone is S / n (the block's sum over its count): X * n against S.
    block_sum: int
    block_count: int


def _whole_limits(block: Sequence[int]) -> tuple[Scaled, int, int, tuple[int, ...]]:
    """The baseline block's limits (STATUS-RULES: screening strict and one pass), with the
    kept moving ranges' sum and count, and which ranges were screened out."""
    ranges = [abs(after - before) for before, after in pairwise(block)]
    total, count = sum(ranges), len(ranges)
    # MR_i > 3.267 x (total / count)  <=>  1000 x count x MR_i > 3267 x total
    screened = [i for i, mr in enumerate(ranges) if _SCREEN_OVER * count * mr > _SCREEN * total]
    left_out = set(screened)
    kept = [mr for i, mr in enumerate(ranges) if i not in left_out]
    kept_total, kept_count = sum(kept), len(kept)
    n, centre_sum = len(block), sum(block)
    # With L = a/b and the 2-sigma factor c/d, over one denominator b d n q:
    # upper = S/n + (a/b)(K/q) = (b d q S + a d n K) / (b d n q), and likewise for 2 sigma.
    over = _LIMIT_OVER * _TWO_SIGMA_OVER * n * kept_count
    centre = centre_sum * _LIMIT_OVER * _TWO_SIGMA_OVER * kept_count
    width = _LIMIT * _TWO_SIGMA_OVER * n * kept_total
    two_sigma = _TWO_SIGMA * _LIMIT_OVER * n * kept_total
    scaled = Scaled(
        over=over,
        upper=centre + width,
        lower=centre - width,
        upper_two_sigma=centre + two_sigma,
        lower_two_sigma=centre - two_sigma,
        block_sum=centre_sum,
        block_count=n,
    )
    return scaled, kept_total, kept_count, tuple(screened)


def _to_decimal(number: Fraction) -> Decimal:
    return _REPORTING.divide(Decimal(number.numerator), Decimal(number.denominator))


def _runs(keys: Sequence[Side | None]) -> list[tuple[int, int, Side]]:
    """Maximal runs of equal, non-None keys as (first index, last index, key)."""
    runs: list[tuple[int, int, Side]] = []
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            if keys[start] is not None:
                runs.append((start, i - 1, keys[start]))
            start = i
    return runs


def _centre_sides(values: Sequence[int], limits: Scaled) -> list[Side | None]:
    n, total = limits.block_count, limits.block_sum
    return [Side.high if x * n > total else Side.low if x * n < total else None for x in values]


def _shift_flags(centre_sides: Sequence[Side | None]) -> list[bool]:
    flags = [False] * len(centre_sides)
    for first, last, _side in _runs(centre_sides):
        if last - first + 1 >= SHIFT_POINTS:
            flags[first : last + 1] = [True] * (last - first + 1)
    return flags


def _trend_sides(values: Sequence[int]) -> list[Side | None]:
    """Each point's trend direction (rule 3); None if it is in no trend."""
    steps = [
        Side.high if after > before else Side.low if after < before else None
        for before, after in pairwise(values)
    ]
    sides: list[Side | None] = [None] * len(values)
    for first, last, side in _runs(steps):
        # Steps first … last join points first … last + 1.
        if last - first + 2 >= TREND_POINTS:
            for i in range(first, last + 2):
                # A turning point ends one trend and starts another: the earlier run decides.
                sides[i] = sides[i] or side
    return sides


def _two_of_three_flags(values: Sequence[int], limits: Scaled) -> list[bool]:
    flags = [False] * len(values)
    over, upper_line, lower_line = limits.over, limits.upper_two_sigma, limits.lower_two_sigma
    beyond_sides = (
        [x * over > upper_line for x in values],
        [x * over < lower_line for x in values],
    )
    for beyond in beyond_sides:
        for start in range(len(values) - 2):
            if beyond[start] + beyond[start + 1] + beyond[start + 2] >= 2:
                for i in range(start, start + 3):
                    flags[i] = flags[i] or beyond[i]
    return flags


def _check_baseline(baseline: tuple[int, int] | None, count: int) -> tuple[int, int]:
    if baseline is None:
        return 0, count - 1
    first, last = baseline
    if not 0 <= first < last < count:
        raise ValueError(f"baseline {baseline} must be two or more points within the series")
    return first, last


def xmr(values: Sequence[Decimal], baseline: tuple[int, int] | None = None) -> XmrChart | None:
    """The XmR chart of a series, or None with fewer than 12 points.

    ``values`` are the consecutive periods that have values, earliest first. ``baseline`` is
    the first and last index (inclusive) of the block that sets the centre line and MR̄; its
    limits apply to every point.
    """
    if any(value is None for value in values):
        raise ValueError("the series holds only the periods that have values")
    if len(values) < MINIMUM_POINTS:
        return None
    first, last = _check_baseline(baseline, len(values))
    whole, scale = _scaled(values)
    scaled, kept_total, kept_count, screened = _whole_limits(whole[first : last + 1])
    screened_out = tuple(first + i + 1 for i in screened)
    limits = ExactLimits(
        centre=Fraction(scaled.block_sum, scaled.block_count * scale),
        mr_bar=Fraction(kept_total, kept_count * scale),
    )

    centre_sides = _centre_sides(whole, scaled)
    shifts = _shift_flags(centre_sides)
    trend_sides = _trend_sides(whole)
    two_of_three = _two_of_three_flags(whole, scaled)
    over, upper, lower = scaled.over, scaled.upper, scaled.lower
    points = tuple(
        XmrPoint(
            index=i,
            value=value,
            rule1=whole[i] * over > upper or whole[i] * over < lower,
            rule2=shifts[i],
            rule3=trend_sides[i] is not None,
            rule4=two_of_three[i],
            centre_side=centre_sides[i],
            trend_side=trend_sides[i],
        )
        for i, value in enumerate(values)
    )
    return XmrChart(
        points=points,
        baseline=(first, last),
        moving_ranges=tuple(abs(after - before) for before, after in pairwise(values)),
        screened_out=screened_out,
        centre=_to_decimal(limits.centre),
        mr_bar=_to_decimal(limits.mr_bar),
        upper_process_limit=_to_decimal(limits.upper),
        lower_process_limit=_to_decimal(limits.lower),
        upper_two_sigma=_to_decimal(limits.upper_two_sigma),
        lower_two_sigma=_to_decimal(limits.lower_two_sigma),
        exact=limits,
    )


@dataclass(frozen=True)
class Phase:
    """A stretch of the series between recalculation points, with its own XmR chart."""

    start: int  # index in the whole series of the phase's first point
    values: tuple[Decimal, ...]
    chart: XmrChart | None  # from the phase's own points (indexes within the phase)

    @property
    def end(self) -> int:
        return self.start + len(self.values) - 1

    def __contains__(self, index: int) -> bool:
        return self.start <= index <= self.end


def _check_cuts(cuts: Sequence[int], count: int) -> tuple[int, ...]:
    cuts = tuple(cuts)
    # STATUS-RULES: a cut is the first point of a new phase, strictly inside the series.
    if any(not 0 < cut < count for cut in cuts):
        raise ValueError(
            f"recalculation points {cuts} must lie strictly inside the series (1 to {count - 1})"
        )
    if any(before >= after for before, after in pairwise(cuts)):
        raise ValueError(f"recalculation points {cuts} must be strictly increasing")
    return cuts


def xmr_phases(
    values: Sequence[Decimal],
    cuts: Sequence[int] = (),
    baseline: tuple[int, int] | None = None,
) -> tuple[Phase, ...]:
    """The series cut into phases at recalculation points, each with its own XmR chart.

    ``cuts`` are the indexes of each new phase's first point. A phase's centre, MR̄ and limits
    come from its own points (or from ``baseline``, which must lie inside one phase and applies
    to that phase only); the moving range across a cut is not used and no rule runs across one.
    With no cuts there is one phase, read exactly as ``xmr`` reads the whole series.
    """
    if any(value is None for value in values):
        raise ValueError("the series holds only the periods that have values")
    cuts = _check_cuts(cuts, len(values))
    starts = (0, *cuts)
    ends = (*(cut - 1 for cut in cuts), len(values) - 1)
    if baseline is not None:
        first, last = _check_baseline(baseline, len(values))
        if not any(start <= first and last <= end for start, end in zip(starts, ends, strict=True)):
            raise ValueError(f"baseline {baseline} crosses a recalculation point")
    phases = []
    for start, end in zip(starts, ends, strict=True):
        own = tuple(values[start : end + 1])
        own_baseline = None
        if baseline is not None and start <= baseline[0] <= end:
            own_baseline = (baseline[0] - start, baseline[1] - start)
        phases.append(Phase(start=start, values=own, chart=xmr(own, own_baseline)))
    return tuple(phases)


def suggested_cut(phases: Sequence[Phase]) -> int | None:
    """Where the process seems to have changed: the first point of a shift (rule 2) of seven
    or more points that runs to the latest point, as a position in the whole series; None
    when there is no such shift or it starts the latest phase already."""
    if not phases or phases[-1].chart is None:
        return None
    phase, points = phases[-1], phases[-1].chart.points
    latest = points[-1]
    if not latest.rule2:
        return None
    first = len(points) - 1
    while (
        first > 0
        and points[first - 1].rule2
        and points[first - 1].centre_side is latest.centre_side
    ):
        first -= 1
    return phase.start + first if first > 0 else None


def variation(chart: XmrChart | None, polarity: Polarity) -> Variation:
    """The variation reading of the latest point."""
    if chart is None:
        return Variation.not_enough_data
    side = chart.latest.side
    if side is None:
        return Variation.common_cause
    polarity = Polarity(polarity)
    if polarity is Polarity.higher_is_better:
        return Variation.improving_high if side is Side.high else Variation.concerning_low
    if polarity is Polarity.lower_is_better:
        return Variation.concerning_high if side is Side.high else Variation.improving_low
    # STATUS-RULES: neither (and in range) read special cause high/low, with no judgement.
    return Variation.special_cause_high if side is Side.high else Variation.special_cause_low


def target_for_assurance[T](own: T | None, longer: T | None, aggregation: Aggregation) -> T | None:
    """The target the latest point's limits are compared with.

    ``own`` is the target of the latest point's own period (at the indicator's frequency);
    ``longer`` the target of a longer period holding it (its quarter or year), used only
    where there is no ``own``. A snapshot or average indicator takes the longer period's
    target as it stands; a sum or cumulative one has no per-point target (None: "no target
    at this frequency", see ``assurance``'s ``longer_period_only``).
    """
    if own is not None:
        return own
    if longer is not None and Aggregation(aggregation) in (
        Aggregation.snapshot,
        Aggregation.average,
    ):
        return longer
    return None


def assurance(
    chart: XmrChart | None,
    polarity: Polarity,
    target: Decimal | None = None,
    lower: Decimal | None = None,
    upper: Decimal | None = None,
    *,
    longer_period_only: bool = False,
) -> Assurance:
    """Whether the process limits say the target will consistently be met, missed, or not.

    ``target`` (or ``lower`` and ``upper``) is the target of the latest point's own period
    (``target_for_assurance``). ``longer_period_only``: the indicator has a target only for a
    longer period, which its aggregation cannot share out per point.
    """
    polarity = Polarity(polarity)
    if longer_period_only and polarity is not Polarity.neither:
        return Assurance.no_target_at_frequency
    if polarity is Polarity.in_range:
        return _range_assurance(chart, lower, upper)
    if polarity is Polarity.neither or target is None:
        return Assurance.no_target
    if chart is None:
        return Assurance.not_enough_data
    # STATUS-RULES: targets are compared exactly with the limits.
    goal, low_limit, high_limit = Fraction(target), chart.exact.lower, chart.exact.upper
    if polarity is Polarity.higher_is_better:
        passes, fails = low_limit >= goal, high_limit < goal
    else:
        passes, fails = high_limit <= goal, low_limit > goal
    if passes:
        return Assurance.consistently_passes
    return Assurance.consistently_fails if fails else Assurance.hit_and_miss


def _range_assurance(
    chart: XmrChart | None, lower: Decimal | None, upper: Decimal | None
) -> Assurance:
    if lower is None or upper is None:
        return Assurance.no_target
    if chart is None:
        return Assurance.not_enough_data
    bottom, top = Fraction(lower), Fraction(upper)
    low_limit, high_limit = chart.exact.lower, chart.exact.upper
    if bottom <= low_limit and high_limit <= top:
        return Assurance.consistently_passes
    if high_limit < bottom or low_limit > top:
        return Assurance.consistently_fails
    return Assurance.hit_and_miss


@dataclass(frozen=True)
class SpcReading:
    chart: XmrChart | None  # the latest phase's chart (the whole series' with no cut)
    variation: Variation
    assurance: Assurance
    phases: tuple[Phase, ...] = ()

    @property
    def is_recalculated(self) -> bool:
        return len(self.phases) > 1


def spc_reading(
    values: Sequence[Decimal],
    polarity: Polarity,
    target: Decimal | None = None,
    lower: Decimal | None = None,
    upper: Decimal | None = None,
    baseline: tuple[int, int] | None = None,
    cuts: Sequence[int] = (),
    *,
    longer_period_only: bool = False,
) -> SpcReading:
    """The phases, variation and assurance of a series in one call; both readings are of
    the latest phase."""
    phases = xmr_phases(values, cuts, baseline) if values else ()
    chart = phases[-1].chart if phases else None
    since_recalculation = len(phases) > 1 and chart is None
    reading_of_variation = variation(chart, polarity)
    reading_of_assurance = assurance(
        chart, polarity, target, lower, upper, longer_period_only=longer_period_only
    )
    if since_recalculation:
        # STATUS-RULES: the latest phase needs 12 points of its own.
        reading_of_variation = Variation.not_enough_data_since_recalculation
        if reading_of_assurance is Assurance.not_enough_data:
            reading_of_assurance = Assurance.not_enough_data_since_recalculation
    return SpcReading(
        chart=chart,
        variation=reading_of_variation,
        assurance=reading_of_assurance,
        phases=phases,
    )
