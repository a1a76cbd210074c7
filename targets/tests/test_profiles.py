"""Sharing an annual target over the year follows how the indicator's year aggregates."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from status.periods import Aggregation, year_value
from targets.profiles import ProfileError, period_targets, seasonal_weights


def test_an_even_count_is_shared_out_and_adds_up_to_the_year():
    assert period_targets(D("1000"), 4, Aggregation.sum, 0) == [D(250)] * 4
    # Rounding leaves the remainder to the last period, so the year still adds up.
    assert period_targets(D("100"), 3, Aggregation.sum, 0) == [D(33), D(33), D(34)]


def test_an_even_year_to_date_rises_to_the_annual_target():
    assert period_targets(D("1200"), 4, Aggregation.cumulative, 0) == [
        D(300),
        D(600),
        D(900),
        D(1200),
    ]


def test_an_even_percentage_is_the_annual_target_in_every_period_never_split():
    assert period_targets(D("92.5"), 12, Aggregation.snapshot, 1) == [D("92.5")] * 12
    assert period_targets(D("7.5"), 4, Aggregation.average, 1) == [D("7.5")] * 4


def test_a_seasonal_count_follows_the_past_years_shares():
    past = [[D(10), D(20), D(30), D(40)], [D(20), D(40), D(60), D(80)]]
    weights = seasonal_weights(past, Aggregation.sum)
    assert period_targets(D(200), 4, Aggregation.sum, 0, weights) == [D(20), D(40), D(60), D(80)]


def test_a_seasonal_level_moves_with_the_seasons_and_ends_on_the_annual_target():
    past = [[D(40), D(50), D(60), D(50)]]
    weights = seasonal_weights(past, Aggregation.snapshot)
    assert period_targets(D(60), 4, Aggregation.snapshot, 0, weights) == [
        D(48),
        D(60),
        D(72),
        D(60),
    ]


def test_a_seasonal_average_keeps_the_mean_of_the_year():
    past = [[D(40), D(50), D(60), D(50)]]
    weights = seasonal_weights(past, Aggregation.average)
    targets = period_targets(D(50), 4, Aggregation.average, 0, weights)
    assert targets == [D(40), D(50), D(60), D(50)]
    assert year_value(targets, Aggregation.average) == D(50)


def test_seasons_need_a_complete_past_year():
    with pytest.raises(ProfileError, match="no complete past year"):
        seasonal_weights([[D(1), None, D(2), D(3)]], Aggregation.sum)
    with pytest.raises(ProfileError, match="add up to 0"):
        seasonal_weights([[D(0)] * 4], Aggregation.sum)


amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False)
counts = st.sampled_from([4, 12])


@given(annual=amounts, count=counts, places=st.integers(0, 2))
def test_a_sum_always_adds_up_to_the_annual_target(annual, count, places):
    targets = period_targets(annual, count, Aggregation.sum, places)
    assert len(targets) == count
    assert year_value(targets, Aggregation.sum) == annual


@given(annual=amounts, count=counts, places=st.integers(0, 2))
def test_a_year_to_date_always_ends_on_the_annual_target_and_never_falls(annual, count, places):
    targets = period_targets(annual, count, Aggregation.cumulative, places)
    assert year_value(targets, Aggregation.cumulative) == annual
    assert targets == sorted(targets)


@given(
    annual=amounts,
    past=st.lists(st.decimals(min_value=1, max_value=1000, places=1), min_size=4, max_size=4),
)
def test_a_seasonal_sum_always_adds_up_to_the_annual_target(annual, past):
    weights = seasonal_weights([past], Aggregation.sum)
    assert (
        year_value(period_targets(annual, 4, Aggregation.sum, 1, weights), Aggregation.sum)
        == annual
    )
