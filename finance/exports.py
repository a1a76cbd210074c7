"""The year page's budget lines as CSV or Excel: amounts as numbers, text made safe."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from finance.queries import YearRow
from indicators.models import Period
from scorecards.exports import formula_safe, xml_text

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


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return value
    return formula_safe(xml_text(str(value)))


def as_csv(year_rows: list[YearRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    for row in rows(year_rows):
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")  # Excel opens UTF-8 with a BOM correctly


def as_xlsx(year_rows: list[YearRow], *, year: Period) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Budgets"
    sheet.append([f"Budgets and forecasts, {year.label}"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append(HEADERS)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in rows(year_rows):
        sheet.append([_cell(value) for value in row])
    sheet.freeze_panes = "A4"
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def filename(year: Period, extension: str) -> str:
    return f"budgets-{year.code}.{extension}"
