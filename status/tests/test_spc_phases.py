"""SPC recalculation (phases) and the target assurance is compared with (STATUS-RULES:
"Recalculation (phases)" and "The target for assurance")."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from status.periods import Aggregation
from status.polarity import Polarity
from status.spc import (
    Assurance,
    Variation,
    assurance,
    spc_reading,
    suggested_cut,
    target_for_assurance,
    xmr,
    xmr_phases,
)

D = Decimal
HIGHER = Polarity.higher_is_better
LOWER = Polarity.lower_is_better

# Twelve points about 10 (MR-bar 2: limits 4.68 to 15.32), then twelve about 30.
BEFORE = [D(v) for v in ["9", "11"] * 6]
AFTER = [D(v) for v in ["29", "31"] * 6]


# Phases


def test_a_step_read_over_the_whole_series_is_a_contradiction() -> None:
    """Why recalculation exists: one set of limits over a step says 'special cause improving'
    while the target is consistently failed by the new level."""
    whole = spc_reading(BEFORE + AFTER, LOWER, target=D(20))
    assert whole.variation is Variation.concerning_high
    assert whole.assurance is Assurance.hit_and_miss


def test_a_cut_gives_each_phase_its_own_centre_and_limits() -> None:
    reading = spc_reading(BEFORE + AFTER, LOWER, target=D(20), cuts=[12])
    first, latest = reading.phases
    assert (first.start, first.end, latest.start, latest.end) == (0, 11, 12, 23)
    assert first.chart is not None and latest.chart is not None
    assert first.chart.centre == 10 and latest.chart.centre == 30
    assert latest.chart.mr_bar == 2  # the moving range of 20 across the cut is not used
    assert latest.chart.upper_process_limit == D("35.32")
    assert latest.chart.lower_process_limit == D("24.68")
    # Both readings are of the latest phase: a steady process that misses its target.
    assert reading.chart is latest.chart
    assert reading.variation is Variation.common_cause
    assert reading.assurance is Assurance.consistently_fails
    assert reading.is_recalculated


def test_no_rule_runs_across_a_cut() -> None:
    # Four points above the first phase's centre, then three above the second's: a shift of
    # seven only if the rules ran across the cut.
    first = [D(v) for v in ["9", "11"] * 4 + ["12", "12", "12", "12"]]
    second = [D(v) for v in ["31", "31", "31"] + ["29", "31"] * 4 + ["30"]]
    phases = xmr_phases(first + second, cuts=[12])
    assert all(not p.rule2 for phase in phases for p in phase.chart.points)


def test_a_cut_at_the_first_point_is_refused() -> None:
    with pytest.raises(ValueError, match="strictly inside"):
        xmr_phases(BEFORE + AFTER, cuts=[0])


def test_a_cut_past_the_series_is_refused() -> None:
    with pytest.raises(ValueError, match="strictly inside"):
        xmr_phases(BEFORE, cuts=[12])


def test_cuts_must_increase() -> None:
    with pytest.raises(ValueError, match="strictly increasing"):
        xmr_phases(BEFORE + AFTER, cuts=[14, 12])
    with pytest.raises(ValueError, match="strictly increasing"):
        xmr_phases(BEFORE + AFTER, cuts=[12, 12])


def test_a_cut_at_the_last_point_leaves_too_little_data_since_the_recalculation() -> None:
    values = BEFORE + [D(30)]
    reading = spc_reading(values, HIGHER, target=D(5), cuts=[12])
    first, latest = reading.phases
    assert first.chart is not None and first.chart.centre == 10  # still drawn
    assert latest.values == (D(30),) and latest.chart is None
    assert reading.chart is None
    assert reading.variation is Variation.not_enough_data_since_recalculation
    assert reading.assurance is Assurance.not_enough_data_since_recalculation


def test_a_phase_shorter_than_12_points_has_no_lines_or_flags() -> None:
    short = [D(v) for v in ["50", "60", "70"]]
    phases = xmr_phases(short + BEFORE, cuts=[3])
    assert phases[0].chart is None and phases[0].values == tuple(short)
    assert phases[1].chart is not None and phases[1].chart.centre == 10


def test_a_latest_phase_of_11_points_is_not_enough_and_of_12_is() -> None:
    eleven = spc_reading(BEFORE + AFTER[:11], HIGHER, cuts=[12])
    assert eleven.variation is Variation.not_enough_data_since_recalculation
    twelve = spc_reading(BEFORE + AFTER, HIGHER, cuts=[12])
    assert twelve.variation is Variation.common_cause


def test_no_target_still_reads_no_target_since_a_recalculation() -> None:
    reading = spc_reading(BEFORE + [D(30)], HIGHER, cuts=[12])
    assert reading.assurance is Assurance.no_target


def test_a_baseline_inside_a_phase_sets_that_phase_only() -> None:
    # The latest phase's baseline is its first six points (29, 31, ...): centre 30, MR-bar 2.
    later = AFTER[:6] + [D(v) for v in ["40", "42"] * 3]
    phases = xmr_phases(BEFORE + later, cuts=[12], baseline=(12, 17))
    assert phases[0].chart.centre == 10 and phases[0].chart.baseline == (0, 11)
    assert phases[1].chart.centre == 30 and phases[1].chart.baseline == (0, 5)
    assert all(p.rule2 or p.rule1 for p in phases[1].chart.points[6:])


def test_a_baseline_in_the_first_phase_leaves_the_latest_on_its_own_points() -> None:
    phases = xmr_phases(BEFORE + AFTER, cuts=[12], baseline=(0, 5))
    assert phases[0].chart.baseline == (0, 5)
    assert phases[1].chart.baseline == (0, 11) and phases[1].chart.centre == 30


def test_a_baseline_across_a_cut_is_refused() -> None:
    with pytest.raises(ValueError, match="crosses a recalculation point"):
        xmr_phases(BEFORE + AFTER, cuts=[12], baseline=(6, 17))


# Properties

values = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False)
series = st.lists(values, min_size=1, max_size=40)


@given(series)
def test_with_no_cut_a_series_reads_exactly_as_before(points: list[Decimal]) -> None:
    reading = spc_reading(points, HIGHER, target=D(0))
    chart = xmr(points)
    assert reading.chart == chart
    assert len(reading.phases) == 1 and reading.phases[0].chart == chart
    expected = Variation.not_enough_data if chart is None else reading.variation
    assert reading.variation is expected
    assert reading.assurance is assurance(chart, HIGHER, D(0))


@st.composite
def series_with_cuts(draw):
    points = draw(st.lists(values, min_size=2, max_size=60))
    cuts = draw(st.lists(st.integers(1, len(points) - 1), unique=True, max_size=4))
    return points, sorted(cuts)


@given(series_with_cuts(), st.sampled_from(list(Polarity)))
def test_a_cut_makes_each_phase_read_as_a_series_of_its_own(case, polarity) -> None:
    points, cuts = case
    phases = xmr_phases(points, cuts)
    assert [phase.start for phase in phases] == [0, *cuts]
    assert sum((phase.values for phase in phases), ()) == tuple(points)
    for phase in phases:
        assert phase.chart == xmr(phase.values)
    reading = spc_reading(points, polarity, cuts=cuts)
    own = spc_reading(list(phases[-1].values), polarity)
    if phases[-1].chart is None and cuts:
        assert reading.variation is Variation.not_enough_data_since_recalculation
    else:
        assert (reading.variation, reading.assurance) == (own.variation, own.assurance)


# The target for assurance


@pytest.mark.parametrize(
    ("own", "longer", "aggregation", "expected"),
    [
        (D(10), D(40), Aggregation.sum, D(10)),  # the point's own target always wins
        (D(10), None, Aggregation.snapshot, D(10)),
        (None, D(40), Aggregation.snapshot, D(40)),  # a year's target holds for each month
        (None, D(40), Aggregation.average, D(40)),
        (None, D(40), Aggregation.sum, None),  # a quarter's total is not a month's
        (None, D(40), Aggregation.cumulative, None),
        (None, None, Aggregation.snapshot, None),
    ],
)
def test_target_for_assurance(own, longer, aggregation, expected) -> None:
    assert target_for_assurance(own, longer, aggregation) == expected


def test_a_longer_periods_total_gives_no_target_at_this_frequency() -> None:
    monthly = [D(v) for v in ["190", "210"] * 6]
    reading = spc_reading(monthly, LOWER, longer_period_only=True)
    assert reading.assurance is Assurance.no_target_at_frequency
    assert reading.variation is Variation.common_cause
    assert assurance(None, LOWER, longer_period_only=True) is Assurance.no_target_at_frequency
    # With no better direction there is nothing to assure, whatever the targets.
    assert assurance(None, Polarity.neither, longer_period_only=True) is Assurance.no_target


def test_monthly_points_against_the_months_target_not_the_quarters() -> None:
    """Fly-tipping: about 200 a month; a quarter's target of 575 is 191.67 a month."""
    monthly = [D(v) for v in ["190", "210"] * 6]
    against_quarter = spc_reading(monthly, LOWER, target=D(575))
    assert against_quarter.assurance is Assurance.consistently_passes  # the old contradiction
    against_month = spc_reading(monthly, LOWER, target=D("191.67"))
    assert against_month.assurance is Assurance.hit_and_miss


# Suggesting a recalculation point


def test_a_shift_running_to_the_latest_point_suggests_a_cut_where_it_began() -> None:
    # Twelve points about 10, then nine about 20: the nine are a shift above the mean.
    values = BEFORE + [D(v) for v in ["19", "21"] * 4 + ["20"]]
    reading = spc_reading(values, HIGHER)
    assert suggested_cut(reading.phases) == 12
    # Once cut there, the latest phase is too short to read, and nothing more is suggested.
    assert suggested_cut(spc_reading(values, HIGHER, cuts=[12]).phases) is None


def test_no_suggestion_without_a_shift_to_the_latest_point() -> None:
    assert suggested_cut(spc_reading(BEFORE + AFTER, HIGHER, cuts=[12]).phases) is None
    # A shift that ended before the latest point is history, not a change still in force.
    values = BEFORE + [D(v) for v in ["19", "21"] * 4] + [D(9), D(11)]
    assert suggested_cut(spc_reading(values, HIGHER).phases) is None
    assert suggested_cut(spc_reading(BEFORE[:5], HIGHER).phases) is None
    assert suggested_cut(()) is None


def test_a_suggestion_is_a_position_in_the_whole_series() -> None:
    later = AFTER + [D(v) for v in ["39", "41"] * 4]
    reading = spc_reading(BEFORE + later, HIGHER, cuts=[12])
    assert suggested_cut(reading.phases) == 24
