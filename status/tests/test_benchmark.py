from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from status.benchmark import Quartile, benchmark_position, percentile_inc
from status.polarity import Polarity

D = Decimal
HIGHER = Polarity.higher_is_better
LOWER = Polarity.lower_is_better


def ds(*values: str | int) -> list[Decimal]:
    return [D(v) for v in values]


@pytest.mark.parametrize(
    ("values", "p", "excel"),
    [
        # Excel QUARTILE.INC({1..10}, 1/2/3) = 3.25, 5.5, 7.75
        (ds(*range(1, 11)), "0.25", "3.25"),
        (ds(*range(1, 11)), "0.5", "5.5"),
        (ds(*range(1, 11)), "0.75", "7.75"),
        # QUARTILE.INC({1,2,3,4}, 1/3) = 1.75, 3.25
        (ds(4, 3, 2, 1), "0.25", "1.75"),
        (ds(4, 3, 2, 1), "0.75", "3.25"),
        # QUARTILE.INC({15,20,35,40,50}, 1) = 20 (an exact rank)
        (ds(15, 20, 35, 40, 50), "0.25", "20"),
        # PERCENTILE.INC({1,3}, 0.75) = 2.5
        (ds(1, 3), "0.75", "2.5"),
        (ds(7), "0.25", "7"),
        (ds(1, 2, 3), "0", "1"),
        (ds(1, 2, 3), "1", "3"),
    ],
)
def test_percentiles_match_excel_quartile_inc(values: list[Decimal], p: str, excel: str) -> None:
    assert percentile_inc(values, D(p)) == D(excel)


def test_percentile_needs_values_and_a_p_between_0_and_1() -> None:
    with pytest.raises(ValueError):
        percentile_inc([], D("0.5"))
    with pytest.raises(ValueError):
        percentile_inc(ds(1, 2), D("1.5"))


def position(value: str, group: list[Decimal | None], polarity: Polarity = HIGHER):
    return benchmark_position(value=D(value), group_values=group, polarity=polarity)


FIVE = ds(1, 2, 3, 4, 5)  # P25 = 2, P50 = 3, P75 = 4


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5", Quartile.top),
        ("4", Quartile.top),  # v >= P75
        ("3", Quartile.upper_middle),  # P50 <= v < P75
        ("2", Quartile.lower_middle),  # P25 <= v < P50
        ("1", Quartile.bottom),  # v < P25
    ],
)
def test_quartile_boundaries_higher_is_better(value: str, expected: Quartile) -> None:
    result = position(value, FIVE)
    assert (result.p25, result.median, result.p75) == (D(2), D(3), D(4))
    assert result.quartile is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", Quartile.top),
        ("2", Quartile.top),  # -v >= P75 of the negated group (-2)
        ("3", Quartile.upper_middle),
        ("4", Quartile.lower_middle),
        ("5", Quartile.bottom),
    ],
)
def test_quartile_boundaries_lower_is_better_mirror(value: str, expected: Quartile) -> None:
    result = position(value, FIVE, LOWER)
    assert (result.p25, result.median, result.p75) == (D(2), D(3), D(4))
    assert result.quartile is expected


def test_tied_values_share_the_best_rank() -> None:
    group = ds(9, 7, 7, 3)
    assert [position(v, group).rank for v in ("9", "7", "3")] == [1, 2, 4]
    assert [position(v, group, LOWER).rank for v in ("3", "7", "9")] == [1, 2, 4]


def test_authorities_with_no_value_are_left_out() -> None:
    result = position("3", [D(1), None, D(3), None])
    assert (result.rank, result.of) == (1, 2)
    assert result.rank_label == "rank 1 of 2"


def test_neither_and_in_range_have_no_quartile_and_rank_from_the_highest() -> None:
    for polarity in (Polarity.neither, Polarity.in_range):
        result = position("2", FIVE, polarity)
        assert result.quartile is None
        assert result.rank == 4


def test_the_councils_own_value_must_be_in_its_group() -> None:
    with pytest.raises(ValueError):
        position("6", FIVE)


def test_values_are_not_rounded() -> None:
    group = ds(1, 2, "3.0001", 3, 4)
    assert position("3.0001", group).rank == 2
    assert position("3", group).rank == 3


def test_quartile_labels() -> None:
    assert [q.label for q in Quartile] == ["Top", "Upper-middle", "Lower-middle", "Bottom"]


groups = st.lists(
    st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False), min_size=1
)


@given(groups)
def test_the_group_maximum_ranks_first_in_the_top_quartile(group: list[Decimal]) -> None:
    result = benchmark_position(value=max(group), group_values=group, polarity=HIGHER)
    assert result.rank == 1
    assert result.quartile is Quartile.top
    worst = benchmark_position(value=max(group), group_values=group, polarity=LOWER)
    assert worst.rank == 1 + sum(1 for v in group if v < max(group))


@given(groups)
def test_percentiles_are_monotone(group: list[Decimal]) -> None:
    p25, p50, p75 = (percentile_inc(group, D(p)) for p in ("0.25", "0.5", "0.75"))
    assert min(group) <= p25 <= p50 <= p75 <= max(group)


@given(groups)
def test_percentiles_do_not_depend_on_order(group: list[Decimal]) -> None:
    assert percentile_inc(group, D("0.25")) == percentile_inc(list(reversed(group)), D("0.25"))
