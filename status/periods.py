"""Reporting periods (UK financial year, quarters, months, calendar and academic years) and
the year value of an indicator."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .choices import LabelledChoice

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

FINANCIAL_YEAR_START_MONTH = 4  # STATUS-RULES: 1 April - 31 March
ACADEMIC_YEAR_START_MONTH = 9  # STATUS-RULES: academic years run September - August


class PeriodKind(LabelledChoice):
    month = "month", "Month"
    quarter = "quarter", "Quarter"
    financial_year = "financial_year", "Financial year"
    calendar_year = "calendar_year", "Calendar year"
    academic_year = "academic_year", "Academic year"


class Aggregation(LabelledChoice):
    snapshot = "snapshot", "Snapshot (latest value)"
    cumulative = "cumulative", "Cumulative year to date"
    sum = "sum", "Sum"
    average = "average", "Average"


@dataclass(frozen=True)
class PeriodSpan:
    kind: PeriodKind
    start: date
    end: date
    label: str
    code: str

    def __str__(self) -> str:
        return self.label

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def _month_end(year: int, month: int) -> date:
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def _two_year_label(start_year: int, separator: str) -> str:
    return f"{start_year}{separator}{(start_year + 1) % 100:02d}"


def financial_year_start(day: date) -> int:
    """The calendar year in which the financial year containing ``day`` starts."""
    return day.year if day.month >= FINANCIAL_YEAR_START_MONTH else day.year - 1


def financial_year_label(start_year: int) -> str:
    """``2024/25``; ``1999/00``."""
    return _two_year_label(start_year, "/")


def month(year: int, month_number: int) -> PeriodSpan:
    return PeriodSpan(
        kind=PeriodKind.month,
        start=date(year, month_number, 1),
        end=_month_end(year, month_number),
        label=f"{MONTH_NAMES[month_number - 1]} {year}",
        code=f"{year}-{month_number:02d}",
    )


def financial_year(start_year: int) -> PeriodSpan:
    return PeriodSpan(
        kind=PeriodKind.financial_year,
        start=date(start_year, 4, 1),
        end=date(start_year + 1, 3, 31),
        label=financial_year_label(start_year),
        code=_two_year_label(start_year, "-"),
    )


def quarter(start_year: int, number: int) -> PeriodSpan:
    """Quarter ``number`` (1-4) of the financial year starting in ``start_year``."""
    if not 1 <= number <= 4:
        raise ValueError(f"quarter must be 1-4, got {number}")
    # STATUS-RULES: Q1 Apr-Jun, Q2 Jul-Sep, Q3 Oct-Dec, Q4 Jan-Mar.
    first_month = (FINANCIAL_YEAR_START_MONTH - 1 + 3 * (number - 1)) % 12 + 1
    year = start_year if number < 4 else start_year + 1
    return PeriodSpan(
        kind=PeriodKind.quarter,
        start=date(year, first_month, 1),
        end=_month_end(year, first_month + 2),
        label=f"Q{number} {financial_year_label(start_year)}",
        code=f"{_two_year_label(start_year, '-')}-Q{number}",
    )


def quarters_of(start_year: int) -> list[PeriodSpan]:
    return [quarter(start_year, number) for number in range(1, 5)]


def months_of(start_year: int) -> list[PeriodSpan]:
    """The twelve months of a financial year, April to March."""
    months = []
    for offset in range(12):
        month_number = (FINANCIAL_YEAR_START_MONTH - 1 + offset) % 12 + 1
        year = start_year if month_number >= FINANCIAL_YEAR_START_MONTH else start_year + 1
        months.append(month(year, month_number))
    return months


def calendar_year(year: int) -> PeriodSpan:
    return PeriodSpan(
        kind=PeriodKind.calendar_year,
        start=date(year, 1, 1),
        end=date(year, 12, 31),
        label=str(year),
        code=str(year),
    )


def academic_year(start_year: int) -> PeriodSpan:
    return PeriodSpan(
        kind=PeriodKind.academic_year,
        start=date(start_year, ACADEMIC_YEAR_START_MONTH, 1),
        end=date(start_year + 1, ACADEMIC_YEAR_START_MONTH - 1, 31),
        label=_two_year_label(start_year, "/"),
        code=f"AY{_two_year_label(start_year, '-')}",
    )


def period_containing(kind: PeriodKind, day: date) -> PeriodSpan:
    kind = PeriodKind(kind)
    if kind is PeriodKind.month:
        return month(day.year, day.month)
    if kind is PeriodKind.quarter:
        start_year = financial_year_start(day)
        months_into_year = (day.month - FINANCIAL_YEAR_START_MONTH) % 12
        return quarter(start_year, months_into_year // 3 + 1)
    if kind is PeriodKind.financial_year:
        return financial_year(financial_year_start(day))
    if kind is PeriodKind.calendar_year:
        return calendar_year(day.year)
    start_year = day.year if day.month >= ACADEMIC_YEAR_START_MONTH else day.year - 1
    return academic_year(start_year)


def previous_period(span: PeriodSpan) -> PeriodSpan:
    return period_containing(span.kind, span.start - timedelta(days=1))


def next_period(span: PeriodSpan) -> PeriodSpan:
    return period_containing(span.kind, span.end + timedelta(days=1))


def same_period_last_year(span: PeriodSpan) -> PeriodSpan:
    # Every period starts on the 1st of a month, so this date always exists.
    return period_containing(span.kind, span.start.replace(year=span.start.year - 1))


def periods_between(kind: PeriodKind, start: date, end: date) -> list[PeriodSpan]:
    """Every period of ``kind`` from the one containing ``start`` to the one containing ``end``."""
    spans: list[PeriodSpan] = []
    if end < start:
        return spans
    span = period_containing(kind, start)
    while span.start <= end:
        spans.append(span)
        span = next_period(span)
    return spans


def latest_complete(kind: PeriodKind, today: date) -> PeriodSpan:
    """The latest period of ``kind`` whose end date is before ``today``."""
    return previous_period(period_containing(kind, today))


def period_from_code(kind: PeriodKind, code: str) -> PeriodSpan:
    """The period of ``kind`` with this code; ValueError if there is none.

    Codes are unique only within a kind ("2009-10" is both October 2009 and 2009/10).
    """
    kind = PeriodKind(kind)
    try:
        first = int(code.removeprefix("AY")[:4])
        if kind is PeriodKind.month:
            span = month(first, int(code[5:]))
        elif kind is PeriodKind.quarter:
            span = quarter(first, int(code[-1]))
        elif kind is PeriodKind.financial_year:
            span = financial_year(first)
        elif kind is PeriodKind.calendar_year:
            span = calendar_year(first)
        else:
            span = academic_year(first)
    except ValueError:
        span = None
    if span is None or span.code != code:
        raise ValueError(f"not a {kind.label.lower()} code: {code!r}")
    return span


def year_value(
    values_in_order: Sequence[Decimal | None], aggregation: Aggregation
) -> Decimal | None:
    """An indicator's value for the year from its in-year values, earliest first.

    None marks a period with no value. The result is None when there is nothing to report.
    """
    aggregation = Aggregation(aggregation)
    present = [value for value in values_in_order if value is not None]
    if aggregation is Aggregation.cumulative:
        # STATUS-RULES: cumulative year to date — the final period's figure is the year;
        # none if that figure is missing.
        return values_in_order[-1] if values_in_order else None
    if not present:
        return None
    if aggregation is Aggregation.snapshot:
        return present[-1]
    if aggregation is Aggregation.sum:
        return sum(present, Decimal(0))
    return sum(present, Decimal(0)) / len(present)
