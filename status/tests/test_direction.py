from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from status.direction import Comparison, Direction, comparison_for, direction_of_travel
from status.periods import Aggregation
from status.polarity import Polarity

D = Decimal
HIGHER = Polarity.higher_is_better
LOWER = Polarity.lower_is_better

FLIPPED = {
    Direction.improving: Direction.worsening,
    Direction.worsening: Direction.improving,
    Direction.increasing: Direction.decreasing,
    Direction.decreasing: Direction.increasing,
    Direction.no_change: Direction.no_change,
    Direction.not_comparable: Direction.not_comparable,
}

numbers = st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False)


def travel(current: str | None, previous: str | None, polarity: Polarity, **kwargs) -> Direction:
    return direction_of_travel(
        current=None if current is None else D(current),
        previous=None if previous is None else D(previous),
        polarity=polarity,
        precision=kwargs.pop("precision", 1),
        **kwargs,
    )


@pytest.mark.parametrize(
    ("current", "previous", "polarity", "expected"),
    [
        ("91", "90", HIGHER, Direction.improving),
        ("89", "90", HIGHER, Direction.worsening),
        ("89", "90", LOWER, Direction.improving),
        ("91", "90", LOWER, Direction.worsening),
        ("91", "90", Polarity.neither, Direction.increasing),
        ("89", "90", Polarity.neither, Direction.decreasing),
        ("90", "90", Polarity.neither, Direction.no_change),
    ],
)
def test_direction_by_polarity(
    current: str, previous: str, polarity: Polarity, expected: Direction
) -> None:
    assert travel(current, previous, polarity) is expected


def test_equal_at_display_precision_is_no_change() -> None:
    assert travel("90.04", "89.96", HIGHER) is Direction.no_change
    assert travel("90.04", "89.96", HIGHER, precision=2) is Direction.improving
    assert travel("-0.04", "0", LOWER) is Direction.no_change


def test_no_comparison_or_no_current_value_is_not_comparable() -> None:
    assert travel("90", None, HIGHER) is Direction.not_comparable
    assert travel(None, "90", HIGHER) is Direction.not_comparable
    assert travel(None, None, Polarity.neither) is Direction.not_comparable


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        ("85", "70", Direction.improving),  # into the range
        ("78", "75", Direction.improving),  # closer from below
        ("95", "92", Direction.worsening),  # further above
        ("82", "88", Direction.no_change),  # both inside
        ("78", "92", Direction.no_change),  # equally far, on either side
        ("70", "91", Direction.worsening),  # further, having crossed the range
    ],
)
def test_in_range_compares_distance_from_the_range(
    current: str, previous: str, expected: Direction
) -> None:
    range_ends = {"lower": D(80), "upper": D(90)}
    assert travel(current, previous, Polarity.in_range, **range_ends) is expected


def test_in_range_without_both_ends_has_no_judgement() -> None:
    assert travel("85", "70", Polarity.in_range, lower=D(80)) is Direction.increasing


def test_comparison_defaults_and_setting() -> None:
    assert comparison_for(aggregation=Aggregation.snapshot) is Comparison.previous_period
    assert comparison_for(aggregation=Aggregation.cumulative) is Comparison.same_period_last_year
    assert (
        comparison_for(aggregation=Aggregation.sum, seasonal=True)
        is Comparison.same_period_last_year
    )
    # A per-indicator setting wins over the default.
    assert (
        comparison_for(aggregation=Aggregation.cumulative, setting=Comparison.previous_period)
        is Comparison.previous_period
    )


def test_labels() -> None:
    assert [d.label for d in Direction] == [
        "Improving",
        "Worsening",
        "No change",
        "Increasing",
        "Decreasing",
        "Not comparable",
    ]
    assert Comparison.same_period_last_year.label == "Same period last year"


@given(
    st.one_of(st.none(), numbers),
    st.one_of(st.none(), numbers),
    st.sampled_from(Polarity),
    st.integers(min_value=0, max_value=3),
    numbers,
    numbers,
)
def test_swapping_current_and_previous_flips_the_direction(
    current: Decimal | None,
    previous: Decimal | None,
    polarity: Polarity,
    precision: int,
    end_a: Decimal,
    end_b: Decimal,
) -> None:
    lower, upper = sorted((end_a, end_b))
    common = {"polarity": polarity, "precision": precision, "lower": lower, "upper": upper}
    forwards = direction_of_travel(current=current, previous=previous, **common)
    backwards = direction_of_travel(current=previous, previous=current, **common)
    assert backwards is FLIPPED[forwards]


@given(numbers, numbers, st.integers(min_value=0, max_value=3))
def test_mirroring_around_zero_and_swapping_polarity_keeps_the_direction(
    current: Decimal, previous: Decimal, precision: int
) -> None:
    higher = direction_of_travel(
        current=current, previous=previous, polarity=HIGHER, precision=precision
    )
    lower = direction_of_travel(
        current=-current, previous=-previous, polarity=LOWER, precision=precision
    )
    assert higher is lower
