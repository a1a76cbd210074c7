"""The XmR chart compares points with its limits in whole numbers (`status.spc.Scaled`): every
point, limit and flag is the same as a plain reading of STATUS-RULES in exact fractions, for
series of any length, scale and number of decimal places, with and without a baseline."""

from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from status.spc import MINIMUM_POINTS, Side, xmr

figures = st.decimals(
    min_value=Decimal("-100000"), max_value=Decimal("100000"), allow_nan=False, places=6
) | st.decimals(min_value=-50, max_value=50, allow_nan=False, places=0)
series = st.lists(figures, min_size=MINIMUM_POINTS, max_size=60)


def reference(values, baseline=None):
    """STATUS-RULES' XmR chart, read plainly with fractions."""
    exact = [Fraction(v) for v in values]
    first, last = baseline or (0, len(values) - 1)
    block = exact[first : last + 1]
    ranges = [abs(b - a) for a, b in pairwise(block)]
    first_mr_bar = sum(ranges, Fraction(0)) / len(ranges)
    screened = tuple(
        first + i + 1 for i, r in enumerate(ranges) if r > Fraction("3.267") * first_mr_bar
    )
    kept = [r for r in ranges if not r > Fraction("3.267") * first_mr_bar]
    centre = sum(block, Fraction(0)) / len(block)
    mr_bar = sum(kept, Fraction(0)) / len(kept)
    width = Fraction("2.66") * mr_bar
    upper, lower = centre + width, centre - width
    upper2, lower2 = centre + width * 2 / 3, centre - width * 2 / 3
    sides = [Side.high if x > centre else Side.low if x < centre else None for x in exact]
    shift = [False] * len(exact)
    start = 0
    for i in range(1, len(exact) + 1):
        if i == len(exact) or sides[i] != sides[start]:
            if sides[start] is not None and i - start >= 7:
                shift[start:i] = [True] * (i - start)
            start = i
    trend = [None] * len(exact)
    steps = [Side.high if b > a else Side.low if b < a else None for a, b in pairwise(exact)]
    start = 0
    for i in range(1, len(steps) + 1):
        if i == len(steps) or steps[i] != steps[start]:
            if steps[start] is not None and i - start + 1 >= 6:
                for j in range(start, i + 1):
                    trend[j] = trend[j] or steps[start]
            start = i
    two = [False] * len(exact)
    for beyond in ([x > upper2 for x in exact], [x < lower2 for x in exact]):
        for s in range(len(exact) - 2):
            hits = [j for j in range(s, s + 3) if beyond[j]]
            if len(hits) >= 2:
                for j in hits:
                    two[j] = True
    points = [
        (x > upper or x < lower, shift[i], trend[i] is not None, two[i], sides[i], trend[i])
        for i, x in enumerate(exact)
    ]
    return centre, mr_bar, screened, points


def points_of(chart):
    return [(p.rule1, p.rule2, p.rule3, p.rule4, p.centre_side, p.trend_side) for p in chart.points]


@settings(max_examples=300)
@given(series)
def test_the_chart_is_the_plain_reading_of_the_rules(values):
    chart = xmr(values)
    centre, mr_bar, screened, points = reference(values)

    assert chart.exact.centre == centre
    assert chart.exact.mr_bar == mr_bar
    assert chart.screened_out == screened
    assert points_of(chart) == points


@settings(max_examples=200)
@given(series, st.data())
def test_a_baseline_is_read_the_same(values, data):
    first = data.draw(st.integers(min_value=0, max_value=len(values) - 2))
    last = data.draw(st.integers(min_value=first + 1, max_value=len(values) - 1))

    chart = xmr(values, (first, last))
    centre, mr_bar, screened, points = reference(values, (first, last))

    assert (chart.exact.centre, chart.exact.mr_bar, chart.screened_out) == (
        centre,
        mr_bar,
        screened,
    )
    assert points_of(chart) == points


def test_points_on_a_limit_that_has_no_finite_decimal_are_compared_exactly():
    # Centre 1/3 (four 1s in twelve points) has no finite decimal form: no rounding decides.
    values = [Decimal(v) for v in ("0", "0", "1", "0", "0", "1", "0", "0", "1", "0", "0", "1")]
    chart = xmr(values)
    centre, _, _, points = reference(values)

    assert chart.exact.centre == centre == Fraction(1, 3)
    assert points_of(chart) == points


def test_figures_with_different_places_share_one_scale():
    values = [Decimal("1.5"), Decimal("2"), Decimal("0.000001")] * 4
    chart = xmr(values)

    assert chart.exact.centre == reference(values)[0]
    assert points_of(chart) == reference(values)[3]


# A baseline of 0, 3, 0, 3…: centre 1.5, MR̄ 3, so the 2-sigma lines are 1.5 ± 5.32 and the
# process limits 1.5 ± 7.98, all finite decimals that a point can sit exactly on.
BASELINE = [Decimal(v) for v in ("0", "3") * 6]


def rules_after(*later: str):
    chart = xmr([*BASELINE, *(Decimal(v) for v in later)], (0, len(BASELINE) - 1))
    return [(p.rule1, p.rule4, p.centre_side) for p in chart.points[len(BASELINE) :]]


def test_a_point_on_a_line_is_not_beyond_it_and_one_a_millionth_past_it_is():
    assert rules_after("6.82", "6.82") == [(False, False, Side.high)] * 2
    assert rules_after("6.820001", "6.820001") == [(False, True, Side.high)] * 2
    assert rules_after("-3.82", "-3.82") == [(False, False, Side.low)] * 2
    assert rules_after("-3.820001", "-3.820001") == [(False, True, Side.low)] * 2
    assert rules_after("9.48") == [(False, False, Side.high)]
    assert rules_after("9.480001") == [(True, False, Side.high)]
    assert rules_after("-6.48") == [(False, False, Side.low)]
    assert rules_after("-6.480001") == [(True, False, Side.low)]
    assert rules_after("1.5") == [(False, False, None)]
