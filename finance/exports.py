"""The year page's budget lines as CSV or Excel: amounts as numbers, text made safe."""

from __future__ import annotations

from finance.queries import YearRow
from indicators.models import Period
from scorecards.exports import table_csv, table_xlsx

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [
    "Budget line",
    "Directorate",
    "Budget (£)",
    "Forecast outturn (£)",
    "Forecast at",
    "Variance (£)",
    "Variance %",
    "Status",
    "Significant underspend",
    "Direction",
    "Commentary",
    "Latest forecast",
    "Latest forecast's state",
]


def rows(year_rows: list[YearRow]) -> list[list]:
    out = []
    for row in year_rows:
        reading, latest = row.reading, row.latest
        unit = reading.unit
        judged = reading.reading
        out.append(
            [
                unit.name,
                unit.parent.name if unit.parent_id else "",
                reading.line.budget,
                reading.forecast.forecast_outturn if reading.forecast else None,
                reading.forecast.period.label if reading.forecast else "",
                judged.variance if judged else None,
                judged.variance_percent if judged else None,
                reading.status_label,
                "Yes" if reading.is_significant_underspend else "",
                reading.direction_label,
                reading.commentary,
                latest.period.label if latest else "",
                latest.get_state_display() if latest else "",
            ]
        )
    return out


def as_csv(year_rows: list[YearRow]) -> bytes:
    return table_csv(HEADERS, rows(year_rows))


def as_xlsx(year_rows: list[YearRow], *, year: Period) -> bytes:
    return table_xlsx(
        HEADERS, rows(year_rows), sheet_name="Budgets", title=f"Budgets and forecasts, {year.label}"
    )


def filename(year: Period, extension: str) -> str:
    return f"budgets-{year.code}.{extension}"
