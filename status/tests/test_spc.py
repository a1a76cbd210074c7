from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from status.polarity import Polarity
from status.spc import (
    Assurance,
    Side,
    Variation,
    XmrChart,
    XmrPoint,
    assurance,
    spc_reading,
    variation,
    xmr,
)

D = Decimal
HIGHER = Polarity.higher_is_better
LOWER = Polarity.lower_is_better

# A baseline with centre 0 and MR-bar 2 (every moving range is 2, none screened), so process
# limits are +/-5.32 and the 2-sigma lines +/-3.5466...; it ends below the centre line.
BASE = ["1", "-1"] * 4


def chart(*tail: str) -> XmrChart:
    result = xmr([D(v) for v in BASE + list(tail)], baseline=(0, len(BASE) - 1))
    assert result is not None
    return result


def flagged(result: XmrChart, rule: int) -> list[int]:
    return [p.index for p in result.points if getattr(p, f"rule{rule}")]


def close(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) < D("1e-20")


# The chart itself


def test_limits_on_a_known_series_with_one_moving_range_screened_out() -> None:
    values = [D(v) for v in ["10", "12"] * 5 + ["10", "24"]]
    result = xmr(values)
    assert result is not None
    # Moving ranges: ten of 2 and one of 14; first MR-bar = 34/11 = 3.0909...
    # 3.267 x 34/11 = 10.098 < 14, so that range is screened out and MR-bar = 20/10 = 2.
    assert result.moving_ranges == (D(2),) * 10 + (D(14),)
    assert result.screened_out == (11,)
    assert result.mr_bar == D(2)
    # Centre: (6 x 10 + 5 x 12 + 24) / 12 = 144 / 12 = 12.
    assert result.centre == D(12)
    # Limits: 12 +/- 2.66 x 2 = 12 +/- 5.32; 2-sigma lines: 12 +/- (2/3) x 5.32 = 12 +/- 10.64/3.
    assert result.upper_process_limit == D("17.32")
    assert result.lower_process_limit == D("6.68")
    assert close(result.upper_two_sigma, D(12) + D("10.64") / 3)
    assert close(result.lower_two_sigma, D(12) - D("10.64") / 3)
    # Only the last point (24 > 17.32) is special cause.
    assert [p.index for p in result.points if p.special_cause] == [11]
    assert result.latest.rule1 and result.latest.side is Side.high


def test_no_screening_when_no_moving_range_is_large() -> None:
    values = [D(v) for v in (10, 13, 11, 12, 14, 11, 13, 12, 10, 12, 13, 11)]
    result = xmr(values)
    assert result is not None
    # Moving ranges 3 2 1 2 3 2 1 2 2 1 2 = 21 over 11; none above 3.267 x 21/11.
    assert result.screened_out == ()
    assert result.mr_bar == D(21) / 11
    assert result.centre == D(142) / 12


def test_fewer_than_12_points_gives_no_chart() -> None:
    assert xmr([D(1)] * 11) is None
    assert xmr([D(1)] * 12) is not None


def test_a_baseline_sets_centre_and_mr_bar_and_its_limits_apply_to_every_point() -> None:
    result = chart("10", "0", "1", "-1")
    assert result.centre == 0
    assert result.mr_bar == 2
    assert result.baseline == (0, 7)
    assert flagged(result, 1) == [8]
    unbased = xmr([D(v) for v in [*BASE, "10", "0", "1", "-1"]])
    assert unbased is not None and unbased.centre == D(10) / 12


def test_baseline_and_series_are_checked() -> None:
    values = [D(1)] * 12
    for bad in [(5, 5), (0, 12), (-1, 4), (6, 2)]:
        with pytest.raises(ValueError):
            xmr(values, baseline=bad)
    with pytest.raises(ValueError):
        xmr([*values, None])  # type: ignore[list-item]


def test_all_equal_values_are_common_cause() -> None:
    result = xmr([D(5)] * 12)
    assert result is not None
    assert result.mr_bar == 0
    assert not any(p.special_cause for p in result.points)


# Rule 1: outside the process limits


def test_rule_1_a_point_outside_the_process_limits() -> None:
    assert flagged(chart("0", "1", "-1", "6"), 1) == [11]
    assert flagged(chart("0", "1", "-1", "-6"), 1) == [11]


def test_rule_1_a_point_on_a_process_limit_is_not_outside() -> None:
    assert flagged(chart("0", "1", "-1", "5.32"), 1) == []
    assert flagged(chart("0", "1", "-1", "5.3201"), 1) == [11]


# Rule 2: a shift of 7 or more points on one side


def test_rule_2_seven_points_above_the_centre_line() -> None:
    result = chart("1", "2", "1", "2", "1", "2", "1")
    assert flagged(result, 2) == list(range(8, 15))
    assert result.latest.side is Side.high


def test_rule_2_six_points_are_not_a_shift() -> None:
    assert flagged(chart("1", "2", "1", "2", "1", "2"), 2) == []


def test_rule_2_below_includes_the_baseline_point_before_it() -> None:
    # BASE ends with -1 (below), so six more points below make a run of seven.
    assert flagged(chart("-1", "-2", "-1", "-2", "-1", "-2"), 2) == list(range(7, 14))


def test_rule_2_a_point_on_the_centre_line_ends_the_run() -> None:
    assert flagged(chart("1", "2", "1", "0", "1", "2", "1", "2"), 2) == []


def test_rule_2_compares_at_full_precision() -> None:
    assert flagged(chart(*["0.0001"] * 7), 2) == list(range(8, 15))


# Rule 3: a trend of 6 or more points


def test_rule_3_six_points_each_higher_than_the_one_before() -> None:
    result = chart("-0.5", "0", "0.5", "1", "1.5")
    assert flagged(result, 3) == list(range(7, 13))  # starts at BASE's last point, -1
    assert result.latest.side is Side.high
    assert flagged(result, 2) == flagged(result, 4) == []


def test_rule_3_a_falling_trend_is_low() -> None:
    result = chart("1", "0.5", "0", "-0.5", "-1", "-1.5")
    assert flagged(result, 3) == list(range(8, 14))
    assert result.latest.side is Side.low


def test_rule_3_five_points_are_not_a_trend() -> None:
    assert flagged(chart("0", "0.5", "1", "1.5"), 3) == []


def test_rule_3_an_equal_value_ends_the_run() -> None:
    assert flagged(chart("-0.5", "0", "0", "0.5", "1", "1.5"), 3) == []


# Rule 4: two of three beyond the same 2-sigma line


def test_rule_4_two_of_three_beyond_the_upper_2_sigma_line() -> None:
    result = chart("4", "0", "4", "0")
    assert flagged(result, 4) == [8, 10]  # the point between them is not flagged
    assert flagged(result, 1) == []


def test_rule_4_needs_two_within_three_points() -> None:
    assert flagged(chart("4", "0", "0", "4"), 4) == []


def test_rule_4_needs_the_same_side() -> None:
    assert flagged(chart("4", "-4", "0", "0"), 4) == []


def test_rule_4_counts_points_outside_the_process_limits() -> None:
    result = chart("6", "0", "4", "0")
    assert flagged(result, 4) == [8, 10]
    assert flagged(result, 1) == [8]


# Variation


@pytest.mark.parametrize(
    ("polarity", "latest", "expected"),
    [
        (HIGHER, "6", Variation.improving_high),
        (HIGHER, "-6", Variation.concerning_low),
        (LOWER, "6", Variation.concerning_high),
        (LOWER, "-6", Variation.improving_low),
        (Polarity.neither, "6", Variation.special_cause_high),
        (Polarity.in_range, "-6", Variation.special_cause_low),
        (HIGHER, "0", Variation.common_cause),
    ],
)
def test_variation_of_the_latest_point(
    polarity: Polarity, latest: str, expected: Variation
) -> None:
    assert variation(chart("0", "1", "-1", latest), polarity) is expected


def test_variation_with_fewer_than_12_points_is_not_enough_data() -> None:
    assert variation(None, HIGHER) is Variation.not_enough_data


def test_a_shift_outranks_a_trend() -> None:
    # A rising trend (rule 3, high) whose points are all below the centre line, seven in a row
    # counting BASE's last point (rule 2, low), all inside the 2-sigma line.
    result = chart("-3.5", "-3", "-2.5", "-2", "-1.5", "-1")
    latest = result.latest
    assert (latest.rule2, latest.rule3, latest.rule4) == (True, True, False)
    assert latest.side is Side.low
    assert variation(result, HIGHER) is Variation.concerning_low


def test_two_of_three_outranks_a_trend() -> None:
    # After a point above the centre, six rising points all beyond the lower 2-sigma line
    # and inside the lower limit: rule 4 (low) and rule 3 (high), not rule 2 (only six).
    result = chart("1", "-5.2", "-5.1", "-5", "-4.9", "-4.8", "-4.7")
    latest = result.latest
    assert (latest.rule1, latest.rule2, latest.rule3, latest.rule4) == (False, False, True, True)
    assert latest.deciding_rule == 4
    assert variation(result, HIGHER) is Variation.concerning_low


def test_outside_the_limits_outranks_a_trend() -> None:
    result = chart("-10", "-9", "-8", "-7", "-6", "-5.5")
    assert result.latest.rule1 and result.latest.rule3
    assert result.latest.deciding_rule == 1
    assert variation(result, LOWER) is Variation.improving_low


def test_rule_precedence_is_1_then_2_then_4_then_3() -> None:
    def point(*rules: int) -> XmrPoint:
        flags = {f"rule{n}": n in rules for n in range(1, 5)}
        return XmrPoint(index=0, value=D(-1), centre_side=Side.low, trend_side=Side.high, **flags)

    assert point(1, 2, 3, 4).deciding_rule == 1
    assert point(2, 3, 4).deciding_rule == 2
    assert point(3, 4).deciding_rule == 4
    assert point(3).deciding_rule == 3
    assert point(3).side is Side.high
    assert point(3, 4).side is Side.low
    assert point().side is None and not point().special_cause


def test_variation_labels() -> None:
    assert Variation.improving_high.label == "Special cause \u2013 improving (high)"
    assert Variation.special_cause_low.label == "Special cause \u2013 low"
    assert Variation.common_cause.label == "Common cause"


# Assurance: the known series has limits 6.68 and 17.32


def known_chart() -> XmrChart:
    result = xmr([D(v) for v in ["10", "12"] * 5 + ["10", "24"]])
    assert result is not None
    return result


@pytest.mark.parametrize(
    ("polarity", "target", "expected"),
    [
        (HIGHER, "6.68", Assurance.consistently_passes),  # lower limit >= target
        (HIGHER, "6.69", Assurance.hit_and_miss),
        (HIGHER, "17.32", Assurance.hit_and_miss),
        (HIGHER, "17.33", Assurance.consistently_fails),  # upper limit < target
        (LOWER, "17.32", Assurance.consistently_passes),  # upper limit <= target
        (LOWER, "17.31", Assurance.hit_and_miss),
        (LOWER, "6.68", Assurance.hit_and_miss),
        (LOWER, "6.67", Assurance.consistently_fails),  # lower limit > target
        (Polarity.neither, "10", Assurance.no_target),
        (HIGHER, None, Assurance.no_target),
    ],
)
def test_assurance_against_a_target(
    polarity: Polarity, target: str | None, expected: Assurance
) -> None:
    goal = None if target is None else D(target)
    assert assurance(known_chart(), polarity, goal) is expected


@pytest.mark.parametrize(
    ("lower", "upper", "expected"),
    [
        ("6", "18", Assurance.consistently_passes),
        ("6.68", "17.32", Assurance.consistently_passes),  # limits on the range ends
        ("7", "18", Assurance.hit_and_miss),
        ("0", "6.67", Assurance.consistently_fails),  # both limits above the range
        ("17.33", "30", Assurance.consistently_fails),  # both limits below it
        ("10", "30", Assurance.hit_and_miss),
    ],
)
def test_assurance_in_range(lower: str, upper: str, expected: Assurance) -> None:
    result = assurance(known_chart(), Polarity.in_range, lower=D(lower), upper=D(upper))
    assert result is expected


def test_assurance_in_range_needs_both_ends() -> None:
    assert assurance(known_chart(), Polarity.in_range, lower=D(6)) is Assurance.no_target


def test_assurance_without_a_chart() -> None:
    assert assurance(None, HIGHER, D(10)) is Assurance.not_enough_data
    assert assurance(None, HIGHER) is Assurance.no_target


def test_assurance_labels() -> None:
    assert [a.label for a in Assurance][:4] == [
        "Consistently passes target",
        "Consistently fails target",
        "Hit and miss",
        "No target",
    ]


def test_spc_reading_in_one_call() -> None:
    reading = spc_reading([D(v) for v in ["10", "12"] * 5 + ["10", "24"]], HIGHER, target=D("6.5"))
    assert reading.chart is not None and reading.chart.centre == 12
    assert reading.variation is Variation.improving_high
    assert reading.assurance is Assurance.consistently_passes
    short = spc_reading([D(1)] * 5, HIGHER, target=D(1))
    assert (short.chart, short.variation, short.assurance) == (
        None,
        Variation.not_enough_data,
        Assurance.not_enough_data,
    )


# Properties

series = st.lists(
    st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False),
    min_size=12,
    max_size=30,
)


def flags_of(result: XmrChart) -> list[tuple[bool, bool, bool, bool]]:
    return [(p.rule1, p.rule2, p.rule3, p.rule4) for p in result.points]


@given(series)
def test_limits_are_symmetric_about_the_centre(values: list[Decimal]) -> None:
    result = xmr(values)
    assert result is not None
    centre = result.centre
    assert close(result.upper_process_limit - centre, centre - result.lower_process_limit)
    assert close(result.upper_two_sigma - centre, centre - result.lower_two_sigma)
    assert result.exact.upper + result.exact.lower == 2 * result.exact.centre


@given(series, st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False))
def test_shifting_every_value_shifts_centre_and_limits_and_keeps_the_flags(
    values: list[Decimal], shift: Decimal
) -> None:
    before = xmr(values)
    after = xmr([value + shift for value in values])
    assert before is not None and after is not None
    assert after.mr_bar == before.mr_bar
    for name in (
        "centre",
        "upper_process_limit",
        "lower_process_limit",
        "upper_two_sigma",
        "lower_two_sigma",
    ):
        assert close(getattr(after, name), getattr(before, name) + shift)
    assert after.exact.centre == before.exact.centre + Fraction(shift)
    assert flags_of(after) == flags_of(before)
    assert [p.side for p in after.points] == [p.side for p in before.points]


@given(series)
def test_negating_every_value_keeps_the_flags_and_swaps_the_sides(values: list[Decimal]) -> None:
    before = xmr(values)
    after = xmr([-value for value in values])
    assert before is not None and after is not None
    assert flags_of(after) == flags_of(before)
    swapped = {Side.high: Side.low, Side.low: Side.high, None: None}
    assert [p.side for p in after.points] == [swapped[p.side] for p in before.points]
