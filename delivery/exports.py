"""The delivery plan's projects as a CSV or Excel file, made safe for spreadsheets."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from delivery.appendices import NO_PROGRAMME
from delivery.queries import ProjectRow
from scorecards.exports import formula_safe, xml_text

HEADERS = [
    "Reference",
    "Project",
    "Programme",
    "Priority",
    "Lead service",
    "Owner",
    "Starts",
    "Ends",
    "Ambitions",
    "Update for",
    "% complete",
    "Delivery status",
    "Calculated status",
    "Override reason",
    "Next milestone",
    "Baseline due",
    "Forecast",
    "Slippage (days)",
]


def _line(row: ProjectRow) -> list[str]:
    project, update, reading, milestone = row.project, row.update, row.reading, row.next_milestone
    return [
        project.reference,
        project.title,
        project.programme.name if project.programme else NO_PROGRAMME,
        "Yes" if project.is_priority else "No",
        project.lead_service.name,
        project.owner.get_full_name() or project.owner.get_username(),
        project.starts_on.isoformat(),
        project.ends_on.isoformat(),
        "; ".join(ambition.title for ambition in row.ambitions),
        update.period.label if update else "",
        str(update.percent_complete) if update else "",
        row.status_label,
        reading.calculated.label if reading else "",
        (reading.override_reason or "") if reading else "",
        milestone.title if milestone else "",
        milestone.baseline_due.isoformat() if milestone else "",
        milestone.forecast_on.isoformat() if milestone and milestone.forecast_on else "",
        str(row.slippage) if row.slippage is not None else "",
    ]


def as_csv(rows: list[ProjectRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([formula_safe(xml_text(cell)) for cell in _line(row)])
    return buffer.getvalue().encode("utf-8-sig")  # Excel opens UTF-8 with a BOM correctly


def as_xlsx(rows: list[ProjectRow], *, title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Projects"
    sheet.append([formula_safe(xml_text(title))])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append(HEADERS)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([formula_safe(xml_text(cell)) for cell in _line(row)])
    sheet.freeze_panes = "A4"
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()
