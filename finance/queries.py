"""What the finance pages, panel and appendix read: budget lines with their latest signed-off
forecast, judged by the status rules (status.finance), each in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from finance.models import BudgetLine, FinanceSettings, Forecast
from indicators.models import Period
from organisation.models import OrgUnit, OrgUnitKind
from organisation.permissions import is_corporate, scope_unit_ids
from signoff.models import SIGNED_OFF_STATES
from status.finance import (
    DEFAULT_THRESHOLDS,
    FinanceDirection,
    FinanceReading,
    FinanceStatus,
    FinanceThresholds,
    finance_direction,
    finance_reading,
)
from status.numbers import round_half_up

MINUS = "\u2212"  # a true minus sign: a hyphen is read aloud as "dash"
STATUS_TAGS = {
    FinanceStatus.on_budget: "govuk-tag--green",
    FinanceStatus.over_amber: "govuk-tag--orange",
    FinanceStatus.over_red: "govuk-tag--red",
}
NO_FORECAST = "No signed-off forecast"
NO_DIRECTION = "No earlier forecast"


def thresholds() -> FinanceThresholds:
    """The council's thresholds as set in the admin, or the STATUS-RULES defaults."""
    settings = FinanceSettings.objects.first()
    return settings.thresholds() if settings is not None else DEFAULT_THRESHOLDS


def pounds(amount: Decimal | None) -> str:
    """Money in whole pounds with thousands separators: £1,234 or −£1,234."""
    if amount is None:
        return ""
    whole = round_half_up(amount, 0)
    sign = MINUS if whole < 0 else ""
    return f"{sign}£{abs(whole):,.0f}"


def variance_shown(amount: Decimal | None) -> str:
    """A variance in words: £1,234 over, £1,234 under, or £0."""
    if amount is None:
        return ""
    whole = round_half_up(amount, 0)
    if whole > 0:
        return f"£{whole:,.0f} over"
    if whole < 0:
        return f"£{-whole:,.0f} under"
    return "£0"


def percent_shown(percent: Decimal | None) -> str:
    if percent is None:
        return ""
    sign = MINUS if percent < 0 else ""
    return f"{sign}{abs(percent):.1f}%"


@dataclass(frozen=True)
class LineReading:
    """A budget line at a period: its latest signed-off forecast then, judged."""

    line: BudgetLine
    forecast: Forecast | None  # the latest signed-off forecast at or before the period
    reading: FinanceReading | None
    direction: FinanceDirection | None  # against the signed-off forecast before it

    @property
    def unit(self) -> OrgUnit:
        return self.line.unit

    @property
    def budget_shown(self) -> str:
        return pounds(self.line.budget)

    @property
    def forecast_shown(self) -> str:
        return pounds(self.forecast.forecast_outturn) if self.forecast else NO_FORECAST

    @property
    def variance_shown(self) -> str:
        return variance_shown(self.reading.variance) if self.reading else ""

    @property
    def percent_shown(self) -> str:
        if self.reading is None:
            return ""
        return percent_shown(self.reading.variance_percent) or "No % (budget of £0)"

    @property
    def status_label(self) -> str:
        return self.reading.status.label if self.reading else NO_FORECAST

    @property
    def status_tag(self) -> str:
        return STATUS_TAGS[self.reading.status] if self.reading else "govuk-tag--grey"

    @property
    def is_significant_underspend(self) -> bool:
        return bool(self.reading and self.reading.significant_underspend)

    @property
    def direction_label(self) -> str:
        if self.reading is None:
            return ""
        return self.direction.label if self.direction else NO_DIRECTION

    @property
    def commentary(self) -> str:
        return self.forecast.commentary if self.forecast else ""


def year_id_of(period: Period) -> int | None:
    """The financial year a period falls in (a year is its own)."""
    return period.pk if period.kind == "financial_year" else period.financial_year_id


def _unit_order(line: BudgetLine) -> tuple:
    """A directorate's own line first, then its services, each in the council's order."""
    unit = line.unit
    directorate = unit if unit.kind == OrgUnitKind.DIRECTORATE else unit.parent
    head = directorate or unit
    return (head.order, head.name, head.pk, unit.pk != head.pk, unit.order, unit.name)


def readings(
    lines: Iterable[BudgetLine],
    period: Period,
    *,
    rules: FinanceThresholds | None = None,
) -> list[LineReading]:
    """Each line at `period`, judged by the council's thresholds: two queries (the forecasts,
    and the thresholds unless given), whatever the number of lines."""
    lines = list(lines)
    rules = rules or thresholds()
    signed_off: dict[int, list[Forecast]] = defaultdict(list)
    found = (
        Forecast.objects.filter(
            line__in=[line.pk for line in lines],
            state__in=SIGNED_OFF_STATES,
            period__ends_on__lte=period.ends_on,
        )
        .select_related("period")
        .order_by("period__ends_on", "period__starts_on")
    )
    for forecast in found:
        signed_off[forecast.line_id].append(forecast)
    out = []
    for line in lines:
        history = signed_off[line.pk]
        latest = history[-1] if history else None
        reading = direction = None
        if latest is not None:
            reading = finance_reading(line.budget, latest.forecast_outturn, rules)
            before = history[-2] if len(history) > 1 else None
            direction = finance_direction(
                reading.variance,
                finance_reading(line.budget, before.forecast_outturn, rules).variance
                if before
                else None,
            )
        out.append(LineReading(line=line, forecast=latest, reading=reading, direction=direction))
    return out


def _lines(year_id: int | None, units: Q) -> list[BudgetLine]:
    if year_id is None:
        return []
    found = BudgetLine.objects.filter(units, year_id=year_id).select_related("unit__parent", "year")
    return sorted(found, key=_unit_order)


def directorate_finance(directorate: OrgUnit, period: Period) -> list[LineReading]:
    """The directorate's own line and its services' lines at the period."""
    lines = _lines(year_id_of(period), Q(unit=directorate) | Q(unit__parent=directorate))
    return readings(lines, period) if lines else []


def remit_finance(unit_ids: Iterable[int], period: Period) -> list[LineReading]:
    """The lines of these units and of the units directly below them (a directorate in a
    committee's remit brings its services); every line when `unit_ids` is empty."""
    unit_ids = list(unit_ids)
    units = Q(unit_id__in=unit_ids) | Q(unit__parent_id__in=unit_ids) if unit_ids else Q()
    lines = _lines(year_id_of(period), units)
    return readings(lines, period) if lines else []


def council_summary(period: Period) -> list[LineReading]:
    """Each directorate's own line (its whole budget) at the period."""
    lines = _lines(year_id_of(period), Q(unit__kind=OrgUnitKind.DIRECTORATE))
    return readings(lines, period) if lines else []


def lines_in_scope(user, year: Period) -> list[BudgetLine]:
    """The year's lines of the units a person answers for (every line for corporate users)."""
    units = Q() if is_corporate(user) else Q(unit_id__in=scope_unit_ids(user))
    return _lines(year.pk, units)


@dataclass(frozen=True)
class YearRow:
    """A line on the year page: its reading now, and its latest forecast in any state."""

    reading: LineReading
    latest: Forecast | None


def year_rows(lines: list[BudgetLine], period: Period) -> list[YearRow]:
    """The lines as the year page shows them, at `period` (the year, or a month or quarter)."""
    judged = readings(lines, period)
    latest: dict[int, Forecast] = {}
    for forecast in (
        Forecast.objects.filter(line__in=[line.pk for line in lines])
        .select_related("period")
        .order_by("period__ends_on", "period__starts_on")
    ):
        latest[forecast.line_id] = forecast
    return [YearRow(reading=r, latest=latest.get(r.line.pk)) for r in judged]
