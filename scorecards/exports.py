"""A scorecard's table as CSV or Excel, exactly as filtered on the page."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from scorecards.queries import Scorecard

HEADERS = [
    "Section",
    "Code",
    "Indicator",
    "Period",
    "Value",
    "Data quality",
    "Target",
    "Status",
    "Direction of travel",
    "Compared with",
    "Previous value",
    "Same period last year",
    "Variation (SPC)",
    "Assurance (SPC)",
    "Commentary",
]


def rows(scorecard: Scorecard) -> list[list[str]]:
    out = []
    for section in scorecard.sections:
        for r in section.readings:
            out.append(
                [
                    section.title,
                    r.indicator.code,
                    r.definition.title,
                    r.period.label if r.period else scorecard.period.label,
                    r.figure_shown,
                    r.data_quality.label if r.figure_shown else "",
                    r.target_shown,
                    r.rag.label,
                    r.direction.label,
                    r.comparison_period.label if r.comparison_period else "",
                    r.comparison_shown,
                    r.last_year_shown,
                    r.spc.variation.label,
                    r.spc.assurance.label,
                    r.value.commentary if r.value else "",
                ]
            )
    return out


# The columns holding figures as shown ("-5.0%", "-£1,200", "-3 days"), which may start with a
# minus sign; every other column is free text.
FIGURE_COLUMNS = frozenset(
    HEADERS.index(h) for h in ("Value", "Target", "Previous value", "Same period last year")
)


def formula_safe(text: str) -> str:
    """Free text made safe for a spreadsheet: text starting with these is read as a formula,
    so it gets a leading apostrophe (shown as text, the apostrophe hidden)."""
    if text[:1] not in ("=", "+", "-", "@", "\t", "\r"):
        return text
    return "'" + text


def _safe(cell: str, column: int) -> str:
    # Only a figure column may keep a leading sign: free text such as '-1 +HYPERLINK(…)'
    # starts with a number too.
    if column in FIGURE_COLUMNS and _is_number(cell):
        return cell
    return formula_safe(cell)


def _safe_row(row: list[str]) -> list[str]:
    return [_safe(cell, column) for column, cell in enumerate(row)]


def _is_number(text: str) -> bool:
    try:
        float(text.lstrip("+-").lstrip("£").replace(",", "").split(" ")[0].rstrip("%"))
    except ValueError:
        return False
    return True


def as_csv(scorecard: Scorecard) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows([_safe_row(row) for row in rows(scorecard)])
    return buffer.getvalue().encode("utf-8-sig")  # Excel opens UTF-8 with a BOM correctly


def as_xlsx(scorecard: Scorecard, *, title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Scorecard"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([f"{scorecard.council.name}, {scorecard.period.label}"])
    sheet.append([])
    sheet.append(HEADERS)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in rows(scorecard):
        sheet.append(_safe_row(row))
    sheet.freeze_panes = "A5"
    for column, width in zip(
        "ABCDEFGHIJKLMNO",
        (28, 10, 48, 16, 12, 12, 12, 11, 16, 16, 14, 14, 30, 26, 60),
        strict=True,
    ):
        sheet.column_dimensions[column].width = width
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()
