"""The report's "Finance" appendix: the remit's budgets at the report's period, from
signed-off forecasts only (a committee's remit units, or every directorate)."""

from __future__ import annotations

from finance.queries import LineReading, remit_finance
from organisation.models import OrgUnitKind
from reports.appendices import AppendixRequest
from reports.content import Appendix, Table

TITLE = "Finance"
ANCHOR = "appendix-finance"
HEADERS = [
    "Budget line",
    "Budget",
    "Forecast outturn",
    "Variance",
    "Variance %",
    "Status",
    "Direction",
    "Commentary",
]
NUMERIC_COLUMNS = [1, 2, 3, 4]
INTRODUCTION = (
    "Each directorate's and service's budget for {year} against its latest signed-off "
    "forecast outturn at or before {period}. Variance is the forecast less the budget: over "
    "is an overspend. Status follows the council's thresholds; direction compares the "
    "variance with the forecast before."
)


def _row(reading: LineReading) -> list[str]:
    status = reading.status_label
    if reading.is_significant_underspend:
        status += ", significant underspend"
    return [
        reading.unit.name,
        reading.budget_shown,
        reading.forecast_shown,
        reading.variance_shown,
        reading.percent_shown,
        status,
        reading.direction_label,
        reading.commentary,
    ]


def finance_appendix(request: AppendixRequest) -> Appendix | None:
    """A table per directorate of the remit (every directorate for the whole council)."""
    readings = remit_finance(request.unit_ids, request.period)
    if not readings:
        return None
    tables: dict[int, Table] = {}
    for reading in readings:
        unit = reading.unit
        head = unit if unit.kind == OrgUnitKind.DIRECTORATE or unit.parent is None else unit.parent
        if head.pk not in tables:
            tables[head.pk] = Table(
                caption=f"{head.name}, {request.period.label}",
                headers=list(HEADERS),
                rows=[],
                numeric_columns=list(NUMERIC_COLUMNS),
            )
        tables[head.pk].rows.append(_row(reading))
    year = readings[0].line.year.label
    return Appendix(
        title=TITLE,
        anchor=ANCHOR,
        introduction=INTRODUCTION.format(year=year, period=request.period.label),
        tables=list(tables.values()),
    )
