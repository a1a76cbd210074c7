"""Generating the calendar of reporting periods."""

import datetime
import itertools

import pytest

from indicators.models import Period
from indicators.periods import ensure_periods
from status.periods import PeriodKind

pytestmark = pytest.mark.django_db


def of_kind(kind):
    return list(Period.objects.filter(kind=kind).order_by("starts_on"))


def test_two_financial_years_of_periods_are_created():
    """No periods exist before; 2023/24 and 2024/25 are asked for."""
    assert not Period.objects.exists()

    created = ensure_periods(first_year=2023, last_year=2024)

    assert created == 2 + 8 + 24 + 2 + 2
    assert Period.objects.count() == created
    assert len(of_kind(PeriodKind.financial_year)) == 2
    assert len(of_kind(PeriodKind.quarter)) == 8
    assert len(of_kind(PeriodKind.month)) == 24
    assert len(of_kind(PeriodKind.calendar_year)) == 2
    assert len(of_kind(PeriodKind.academic_year)) == 2


def test_financial_years_run_april_to_march():
    ensure_periods(first_year=2023, last_year=2024)

    years = [(p.code, p.label, p.starts_on, p.ends_on) for p in of_kind("financial_year")]

    assert years == [
        ("2023-24", "2023/24", datetime.date(2023, 4, 1), datetime.date(2024, 3, 31)),
        ("2024-25", "2024/25", datetime.date(2024, 4, 1), datetime.date(2025, 3, 31)),
    ]
    assert all(p.financial_year is None for p in of_kind("financial_year"))


def test_quarters_belong_to_their_financial_year():
    ensure_periods(first_year=2023, last_year=2024)
    year = Period.objects.get(kind="financial_year", code="2024-25")

    quarters = [
        (p.code, p.label, p.starts_on, p.ends_on)
        for p in of_kind("quarter")
        if p.financial_year == year
    ]

    assert quarters == [
        ("2024-25-Q1", "Q1 2024/25", datetime.date(2024, 4, 1), datetime.date(2024, 6, 30)),
        ("2024-25-Q2", "Q2 2024/25", datetime.date(2024, 7, 1), datetime.date(2024, 9, 30)),
        ("2024-25-Q3", "Q3 2024/25", datetime.date(2024, 10, 1), datetime.date(2024, 12, 31)),
        ("2024-25-Q4", "Q4 2024/25", datetime.date(2025, 1, 1), datetime.date(2025, 3, 31)),
    ]
    assert [p.financial_year.code for p in of_kind("quarter")] == ["2023-24"] * 4 + ["2024-25"] * 4


def test_months_belong_to_their_financial_year():
    ensure_periods(first_year=2023, last_year=2024)
    months = of_kind("month")

    assert (months[0].code, months[0].label) == ("2023-04", "April 2023")
    assert (months[-1].code, months[-1].label) == ("2025-03", "March 2025")

    february_2024 = Period.objects.get(kind="month", code="2024-02")
    assert february_2024.label == "February 2024"
    assert february_2024.starts_on == datetime.date(2024, 2, 1)
    assert february_2024.ends_on == datetime.date(2024, 2, 29)  # a leap year
    assert february_2024.financial_year.code == "2023-24"

    april_2024 = Period.objects.get(kind="month", code="2024-04")
    assert april_2024.financial_year.code == "2024-25"
    assert [m.financial_year.code for m in months] == ["2023-24"] * 12 + ["2024-25"] * 12
    # Each month follows the one before with no gap.
    for earlier, later in itertools.pairwise(months):
        assert later.starts_on == earlier.ends_on + datetime.timedelta(days=1)


def test_calendar_and_academic_years():
    ensure_periods(first_year=2023, last_year=2024)

    calendar = [(p.code, p.label, p.starts_on, p.ends_on) for p in of_kind("calendar_year")]
    academic = [(p.code, p.label, p.starts_on, p.ends_on) for p in of_kind("academic_year")]

    assert calendar == [
        ("2023", "2023", datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)),
        ("2024", "2024", datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)),
    ]
    assert academic == [
        ("AY2023-24", "2023/24", datetime.date(2023, 9, 1), datetime.date(2024, 8, 31)),
        ("AY2024-25", "2024/25", datetime.date(2024, 9, 1), datetime.date(2025, 8, 31)),
    ]
    assert all(p.financial_year is None for p in of_kind("calendar_year"))
    assert all(p.financial_year is None for p in of_kind("academic_year"))


def test_running_again_creates_nothing():
    ensure_periods(first_year=2023, last_year=2024)
    before = set(Period.objects.values_list("pk", "kind", "code"))

    assert ensure_periods(first_year=2023, last_year=2024) == 0

    assert set(Period.objects.values_list("pk", "kind", "code")) == before


def test_extending_the_calendar_adds_only_the_new_year():
    """2023/24 exists; asking for 2023/24 to 2024/25 adds just 2024/25's periods."""
    ensure_periods(first_year=2023, last_year=2023)

    assert ensure_periods(first_year=2023, last_year=2024) == 1 + 4 + 12 + 1 + 1

    assert Period.objects.filter(kind="financial_year").count() == 2
    assert Period.objects.count() == 2 * (1 + 4 + 12 + 1 + 1)
