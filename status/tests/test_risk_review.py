from calendar import monthrange
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from status.risks import (
    RiskTrend,
    check_review_dates,
    is_above_target,
    is_review_overdue,
    next_review_date,
    risk_trend,
)

scores = st.integers(min_value=1, max_value=25)
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))
intervals = st.integers(min_value=1, max_value=36)

FLIPPED = {
    RiskTrend.rising: RiskTrend.falling,
    RiskTrend.falling: RiskTrend.rising,
    RiskTrend.stable: RiskTrend.stable,
}


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        (12, 9, RiskTrend.rising),
        (10, 9, RiskTrend.rising),
        (9, 12, RiskTrend.falling),
        (12, 12, RiskTrend.stable),
        (1, 25, RiskTrend.falling),
        (12, None, RiskTrend.new),  # a first review
    ],
)
def test_trend_against_the_previous_reviews_current_score(
    current: int, previous: int | None, expected: RiskTrend
) -> None:
    assert risk_trend(current, previous) is expected


@pytest.mark.parametrize(("current", "previous"), [(0, 5), (26, 5), (5, 0), (5, 26), (True, 5)])
def test_trend_needs_scores_from_1_to_25(current: int, previous: int) -> None:
    with pytest.raises(ValueError):
        risk_trend(current, previous)


@pytest.mark.parametrize(
    ("current", "target", "expected"),
    [(12, 9, True), (10, 9, True), (9, 9, False), (8, 9, False)],
)
def test_above_target_is_strictly_above(current: int, target: int, expected: bool) -> None:
    assert is_above_target(current, target) is expected


def test_above_target_needs_scores_from_1_to_25() -> None:
    with pytest.raises(ValueError):
        is_above_target(12, 0)
    with pytest.raises(ValueError):
        is_above_target(30, 9)


@pytest.mark.parametrize(
    ("last_review", "months", "expected"),
    [
        (date(2025, 1, 15), 3, date(2025, 4, 15)),
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
        (date(2023, 11, 30), 3, date(2024, 2, 29)),  # leap year
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 8, 31), 1, date(2024, 9, 30)),
        (date(2024, 10, 31), 3, date(2025, 1, 31)),  # across the year end
        (date(2024, 12, 15), 12, date(2025, 12, 15)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 28), 1, date(2024, 3, 28)),  # not pushed to the month's end
    ],
)
def test_next_review_is_whole_calendar_months_pulled_back_to_the_months_end(
    last_review: date, months: int, expected: date
) -> None:
    assert next_review_date(last_review, months) == expected


def test_the_default_interval_is_3_months() -> None:
    assert next_review_date(date(2024, 11, 30)) == date(2025, 2, 28)


@pytest.mark.parametrize("months", [0, -1, True, 1.5])
def test_the_interval_is_a_whole_number_of_months_from_1(months: int) -> None:
    with pytest.raises(ValueError):
        next_review_date(date(2025, 1, 15), months)


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2025, 4, 14), False),
        (date(2025, 4, 15), False),  # the next review date itself
        (date(2025, 4, 16), True),  # the day after
    ],
)
def test_review_overdue_from_the_day_after_the_next_review_date(on: date, expected: bool) -> None:
    assert is_review_overdue(date(2025, 1, 15), on) is expected


def test_review_overdue_at_the_months_end() -> None:
    assert not is_review_overdue(date(2024, 11, 30), date(2025, 2, 28))
    assert is_review_overdue(date(2024, 11, 30), date(2025, 3, 1))
    assert not is_review_overdue(date(2023, 11, 30), date(2024, 2, 29))
    assert is_review_overdue(date(2024, 1, 31), date(2024, 3, 1), interval_months=1)


def test_review_dates_on_or_before_today_each_on_their_own_day_pass() -> None:
    check_review_dates([date(2024, 12, 1), date(2025, 3, 3), date(2025, 3, 4)], date(2025, 3, 4))
    check_review_dates([], date(2025, 3, 4))


def test_a_review_dated_in_the_future_is_refused() -> None:
    with pytest.raises(ValueError, match=r"dated in the future \(5 March 2025\)"):
        check_review_dates([date(2025, 3, 1), date(2025, 3, 5)], date(2025, 3, 4))


def test_two_reviews_on_one_day_are_refused() -> None:
    with pytest.raises(ValueError, match=r"two reviews on one day \(1 March 2025\)"):
        check_review_dates(
            [date(2025, 3, 1), date(2024, 12, 1), date(2025, 3, 1)], date(2025, 3, 4)
        )


def test_labels() -> None:
    assert [t.label for t in RiskTrend] == ["New", "Rising", "Falling", "Stable"]


@given(scores, scores)
def test_trend_is_antisymmetric(a: int, b: int) -> None:
    assert risk_trend(b, a) is FLIPPED[risk_trend(a, b)]


@given(days, intervals)
def test_next_review_falls_in_the_right_month_on_the_day_or_the_months_end(
    last_review: date, months: int
) -> None:
    due = next_review_date(last_review, months)
    assert due > last_review
    month_count = (due.year - last_review.year) * 12 + due.month - last_review.month
    assert month_count == months
    assert due.day == min(last_review.day, monthrange(due.year, due.month)[1])


@given(days, intervals)
def test_overdue_flips_on_the_day_after_the_next_review(last_review: date, months: int) -> None:
    due = next_review_date(last_review, months)
    assert not is_review_overdue(last_review, last_review, months)
    assert not is_review_overdue(last_review, due, months)
    assert is_review_overdue(last_review, due + timedelta(days=1), months)
