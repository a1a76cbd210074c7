"""The risk register as a CSV file, in the register's own words and order."""

from __future__ import annotations

import csv
import io

from risks.queries import RiskRow
from scorecards.exports import formula_safe, xml_text

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
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows([[formula_safe(xml_text(cell)) for cell in _cells(row)] for row in rows])
    return buffer.getvalue().encode("utf-8-sig")  # Excel opens UTF-8 with a BOM correctly
