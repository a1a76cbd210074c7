from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from status.periods import (
    Aggregation,
    PeriodKind,
    academic_year,
    calendar_year,
    financial_year,
    financial_year_label,
    financial_year_start,
    latest_complete,
    months_of,
    period_containing,
    period_from_code,
    periods_between,
    previous_period,
    quarters_of,
    same_period_last_year,
    year_value,
)

D = Decimal
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))
kinds = st.sampled_from(PeriodKind)


@pytest.mark.parametrize(
    ("start_year", "label"), [(2024, "2024/25"), (1999, "1999/00"), (2009, "2009/10")]
)
def test_financial_year_labels(start_year: int, label: str) -> None:
    assert financial_year_label(start_year) == label


def test_financial_year_runs_1_april_to_31_march() -> None:
    year = financial_year(2024)
    assert (year.start, year.end) == (date(2024, 4, 1), date(2025, 3, 31))
    assert (year.label, year.code) == ("2024/25", "2024-25")
    assert financial_year(1999).code == "1999-00"


@pytest.mark.parametrize(
    ("day", "start_year"),
    [(date(2024, 4, 1), 2024), (date(2024, 3, 31), 2023), (date(2025, 1, 15), 2024)],
)
def test_financial_year_start(day: date, start_year: int) -> None:
    assert financial_year_start(day) == start_year


def test_quarter_boundaries() -> None:
    q1, q2, q3, q4 = quarters_of(2024)
    assert (q1.start, q1.end) == (date(2024, 4, 1), date(2024, 6, 30))
    assert (q2.start, q2.end) == (date(2024, 7, 1), date(2024, 9, 30))
    assert (q3.start, q3.end) == (date(2024, 10, 1), date(2024, 12, 31))
    assert (q4.start, q4.end) == (date(2025, 1, 1), date(2025, 3, 31))
    assert [q.label for q in (q1, q4)] == ["Q1 2024/25", "Q4 2024/25"]
    assert [q.code for q in (q1, q4)] == ["2024-25-Q1", "2024-25-Q4"]


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (date(2024, 4, 1), "2024-25-Q1"),
        (date(2024, 6, 30), "2024-25-Q1"),
        (date(2024, 7, 1), "2024-25-Q2"),
        (date(2024, 12, 31), "2024-25-Q3"),
        (date(2025, 1, 1), "2024-25-Q4"),
        (date(2025, 3, 31), "2024-25-Q4"),
    ],
)
def test_quarter_containing_a_day(day: date, code: str) -> None:
    assert period_containing(PeriodKind.quarter, day).code == code


def test_months_of_a_financial_year_run_april_to_march() -> None:
    months = months_of(2024)
    assert len(months) == 12
    assert (months[0].label, months[0].code) == ("April 2024", "2024-04")
    assert (months[-1].label, months[-1].code) == ("March 2025", "2025-03")
    assert months[-1].end == date(2025, 3, 31)
    assert period_containing(PeriodKind.month, date(2024, 2, 10)).end == date(2024, 2, 29)


def test_calendar_and_academic_years() -> None:
    year = calendar_year(2024)
    assert (year.start, year.end, year.label, year.code) == (
        date(2024, 1, 1),
        date(2024, 12, 31),
        "2024",
        "2024",
    )
    school = academic_year(2024)
    assert (school.start, school.end) == (date(2024, 9, 1), date(2025, 8, 31))
    assert (school.label, school.code) == ("2024/25", "AY2024-25")
    assert academic_year(1999).label == "1999/00"
    assert period_containing(PeriodKind.academic_year, date(2025, 8, 31)) == school


def test_previous_and_same_period_last_year() -> None:
    q1 = quarters_of(2024)[0]
    assert previous_period(q1).code == "2023-24-Q4"
    assert same_period_last_year(q1).code == "2023-24-Q1"
    april = months_of(2024)[0]
    assert previous_period(april).code == "2024-03"
    assert same_period_last_year(april).code == "2023-04"
    assert previous_period(financial_year(2000)).label == "1999/00"


def test_periods_between_includes_both_ends_periods() -> None:
    codes = [
        p.code for p in periods_between(PeriodKind.quarter, date(2024, 5, 1), date(2025, 4, 1))
    ]
    assert codes == ["2024-25-Q1", "2024-25-Q2", "2024-25-Q3", "2024-25-Q4", "2025-26-Q1"]
    assert periods_between(PeriodKind.month, date(2024, 5, 1), date(2024, 4, 1)) == []


def test_latest_complete_period_ends_before_today() -> None:
    assert latest_complete(PeriodKind.quarter, date(2024, 7, 1)).code == "2024-25-Q1"
    # 30 June is the last day of Q1, so Q1 is not complete yet.
    assert latest_complete(PeriodKind.quarter, date(2024, 6, 30)).code == "2023-24-Q4"
    assert latest_complete(PeriodKind.financial_year, date(2024, 4, 1)).label == "2023/24"


def test_period_codes_round_trip_within_a_kind() -> None:
    assert period_from_code(PeriodKind.month, "2009-10").label == "October 2009"
    assert period_from_code(PeriodKind.financial_year, "2009-10").label == "2009/10"
    assert period_from_code(PeriodKind.quarter, "2024-25-Q3").start == date(2024, 10, 1)
    assert period_from_code(PeriodKind.academic_year, "AY2024-25").label == "2024/25"
    for kind, code in [
        (PeriodKind.month, "2024-13"),
        (PeriodKind.quarter, "2024-26-Q1"),
        (PeriodKind.financial_year, "2024"),
    ]:
        with pytest.raises(ValueError):
            period_from_code(kind, code)


@pytest.mark.parametrize(
    ("aggregation", "values", "expected"),
    [
        # Snapshot: the latest period with a value.
        (Aggregation.snapshot, ["10", "12", None, None], "12"),
        # Cumulative year to date: the Q4 figure is the year ...
        (Aggregation.cumulative, ["10", "25", "37", "50"], "50"),
        # ... and with no Q4 figure there is no year value.
        (Aggregation.cumulative, ["10", "25", "37", None], None),
        (Aggregation.sum, ["10", None, "5", "5"], "20"),
        (Aggregation.average, ["10", None, "5", "6"], "7"),
        (Aggregation.average, [None, None], None),
        (Aggregation.snapshot, [], None),
    ],
)
def test_year_value_per_aggregation(
    aggregation: Aggregation, values: list[str | None], expected: str | None
) -> None:
    decimals = [None if v is None else D(v) for v in values]
    result = year_value(decimals, aggregation)
    assert result == (None if expected is None else D(expected))


@given(kinds, days)
def test_the_period_containing_a_day_contains_it_and_follows_its_predecessor(
    kind: PeriodKind, day: date
) -> None:
    span = period_containing(kind, day)
    assert span.contains(day)
    assert previous_period(span).end + timedelta(days=1) == span.start
    assert period_from_code(kind, span.code) == span
    assert same_period_last_year(span).start.year == span.start.year - 1
