"""The delivery plan's projects as a CSV or Excel file, made safe for spreadsheets."""

from __future__ import annotations

from delivery.appendices import NO_PROGRAMME
from delivery.queries import ProjectRow
from scorecards.exports import table_csv, table_xlsx

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
    return table_csv(HEADERS, (_line(row) for row in rows))


def as_xlsx(rows: list[ProjectRow], *, title: str) -> bytes:
    return table_xlsx(HEADERS, (_line(row) for row in rows), sheet_name="Projects", title=title)
