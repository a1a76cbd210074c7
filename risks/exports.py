"""The risk register as a CSV or Excel file, in the register's own words and order."""

from __future__ import annotations

from risks.queries import RiskRow
from scorecards.exports import table_csv, table_xlsx

HEADERS = [
    "Reference",
    "Title",
    "Level",
    "Held by",
    "Owner",
    "Inherent score",
    "Current score",
    "Current band",
    "Target score",
    "Above target",
    "Trend",
    "Last review",
    "Next review",
    "Review overdue",
]


def _cells(row: RiskRow) -> list[str]:
    latest = row.latest
    return [
        row.risk.reference,
        row.risk.title,
        row.risk.get_level_display(),
        row.risk.unit.name,
        str(row.risk.owner),
        "" if latest is None else str(row.inherent_score),
        "" if latest is None else str(row.current_score),
        "" if latest is None else row.band.name,
        "" if latest is None else str(row.target_score),
        "" if latest is None else ("Yes" if row.is_above_target else "No"),
        "" if row.trend is None else row.trend.label,
        "" if latest is None else latest.reviewed_on.isoformat(),
        row.next_review_on.isoformat(),
        "Yes" if row.is_review_overdue else "No",
    ]


def as_csv(rows: list[RiskRow]) -> bytes:
    return table_csv(HEADERS, (_cells(row) for row in rows))


def as_xlsx(rows: list[RiskRow], *, title: str) -> bytes:
    return table_xlsx(HEADERS, (_cells(row) for row in rows), sheet_name="Risks", title=title)
