"""A service's return as an Excel workbook, to fill in offline and upload back.

The workbook has an Instructions sheet, a Return sheet (one row per due indicator: locked
columns saying what is asked, unlocked cells for the answers) and a hidden sheet naming the
cycle and service, so `returns.imports` can refuse a file uploaded to the wrong return.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO

from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from indicators.models import DataQuality, ReportingCycle, ValueState
from organisation.models import Council, OrgUnit
from returns.queries import ReturnRow, return_rows
from scorecards.exports import formula_safe
from status.numbers import format_value

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RETURN_SHEET = "Return"
INSTRUCTIONS_SHEET = "Instructions"
# Hidden from the officer: which return this file is. Checked on upload.
ABOUT_SHEET = "Golden Thread"
FORMAT_MARK = "golden-thread-return-workbook"
FORMAT_VERSION = 1
# The largest number a figure can hold (20 digits, 6 after the point).
LARGEST_FIGURE = 10**14 - 1


@dataclass(frozen=True)
class Column:
    key: str  # the value field it fills (input columns) or what it shows
    header: str
    width: int
    is_input: bool = False
    help: str = ""


COLUMNS = (
    Column("indicator_code", "Code", 12, help="The indicator's code. Do not change it."),
    Column("indicator", "Indicator", 45),
    Column("unit", "Unit", 10),
    Column("last_period", "Last period", 14),
    Column("last_figure", "Last figure", 12, help="Last period's signed-off figure."),
    Column("target", "Target", 14),
    Column("state", "Status", 16, help="Submitted and signed-off figures cannot be changed here."),
    Column("figure", "Figure", 12, True, "This period's figure, as a number (92.5, not 92.5%)."),
    Column("numerator", "Numerator", 13, True, "Only for indicators with a numerator."),
    Column("denominator", "Denominator", 13, True, "Only for indicators with a denominator."),
    Column(
        "data_quality",
        "Data quality",
        14,
        True,
        "Final, Provisional or Estimated (empty: as before, or Final for a new figure).",
    ),
    Column("commentary", "Commentary", 40, True, "What the figure shows."),
    Column("reasons", "Why", 32, True, "Why performance is as it is."),
    Column("actions", "Actions", 32, True, "What is being done."),
    Column(
        "not_available_reason",
        "No figure because",
        32,
        True,
        "If there is no figure this period, why.",
    ),
)
HEADERS = tuple(column.header for column in COLUMNS)
INPUT_KEYS = tuple(column.key for column in COLUMNS if column.is_input)
NUMBER_KEYS = ("figure", "numerator", "denominator")
TEXT_KEYS = ("commentary", "reasons", "actions", "not_available_reason")
# The usual answer first in the drop-down.
QUALITY_CHOICES = (DataQuality.FINAL, DataQuality.PROVISIONAL, DataQuality.ESTIMATED)

LOCKED_FILL = PatternFill("solid", fgColor="F3F2F1")  # GOV.UK light grey
HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
BOLD = Font(bold=True)
UNLOCKED = Protection(locked=False)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


def safe_text(text: str) -> str:
    """Text as written into a cell: never a live formula (`formula_safe` adds an apostrophe
    to text a spreadsheet would run), and read back exactly by `text_from_cell`: text that
    already starts with an apostrophe gets one more, so the one taken off is always ours.
    Control characters a workbook cannot hold are left out."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if text.startswith("'"):
        return "'" + text
    return formula_safe(text)


def text_from_cell(text: str) -> str:
    """A text cell's value as it was before `safe_text` guarded it."""
    if text.startswith("'") and safe_text(text[1:]) == text:
        return text[1:]
    return text


def _put(sheet, *, row: int, column: int, value):
    """Every cell is written through here, so no text becomes a formula."""
    return sheet.cell(
        row=row, column=column, value=safe_text(value) if isinstance(value, str) else value
    )


def workbook_filename(cycle: ReportingCycle, service: OrgUnit) -> str:
    """e.g. return-Q2-2026-27-waste-and-recycling.xlsx"""
    period = "-".join(cycle.period.label.replace("/", "-").split())
    return f"return-{period}-{slugify(service.name)}.xlsx"


def return_workbook(
    cycle: ReportingCycle, service: OrgUnit, *, today: date, council: Council
) -> bytes:
    """The service's return for the cycle as an .xlsx file, with any draft figures filled in."""
    rows = return_rows(cycle, service, today=today, council=council)
    book = Workbook()
    _instructions(book.active, cycle, service)
    _return_sheet(book.create_sheet(RETURN_SHEET), rows)
    _about_sheet(book.create_sheet(ABOUT_SHEET), cycle, service)
    # No password: protection stops accidents (renaming or deleting a sheet), not people.
    # Every uploaded row is checked again whatever the workbook allowed.
    book.security = WorkbookProtection(lockStructure=True)
    book.active = 1
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _instructions(sheet, cycle: ReportingCycle, service: OrgUnit) -> None:
    sheet.title = INSTRUCTIONS_SHEET
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 90
    due = cycle.data_entry_deadline
    deadline = f"{due.day} {due:%B %Y}"
    lines = [
        (f"{service.name}: return for {cycle.period.label}", ""),
        ("", ""),
        ("Deadline", f"Figures are due by {deadline}."),
        ("What to do", "1. Enter this period's figures in the white cells of the Return sheet."),
        ("", "2. Save the file as an Excel Workbook (.xlsx), keeping its sheets as they are."),
        ("", "3. On the return's page, choose “Upload a completed spreadsheet” and upload it."),
        (
            "",
            "4. Uploading saves your figures as a draft. Check them on the return's page, "
            "then submit the return for sign-off there.",
        ),
        ("", ""),
        (
            "Checks",
            "The whole file is checked before anything is saved. If any row has a problem, "
            "nothing is imported: you get a list of every problem with its row number, "
            "and can correct the file and upload it again.",
        ),
        (
            "",
            "Do not change the Code column, add rows or delete rows. A row whose code is "
            "changed or missing is rejected.",
        ),
        (
            "",
            "This file is for this service and this period only: uploading it to another "
            "return is refused.",
        ),
        (
            "",
            "A row left completely empty leaves that indicator as it is. A submitted or "
            "signed-off figure cannot be changed by upload: ask your approver to return it.",
        ),
        (
            "Protection",
            "The grey cells are protected so they are not changed by accident. There is no "
            "password; please do not unprotect the sheet.",
        ),
        ("", ""),
        ("Column", "What to enter"),
    ]
    lines += [(column.header, column.help or _shown_help(column)) for column in COLUMNS]
    for row_number, (label, text) in enumerate(lines, start=1):
        _put(sheet, row=row_number, column=1, value=label or None).font = BOLD
        cell = _put(sheet, row=row_number, column=2, value=text or None)
        cell.alignment = WRAP
    sheet["A1"].font = Font(bold=True, size=14)


def _shown_help(column: Column) -> str:
    return {
        "indicator": "The indicator's title.",
        "unit": "The unit the figure is in.",
        "last_period": "The last period with a signed-off figure.",
        "target": "This period's target, if there is one.",
    }.get(column.key, "")


def _return_sheet(sheet, rows: list[ReturnRow]) -> None:
    for index, column in enumerate(COLUMNS, start=1):
        cell = _put(sheet, row=1, column=index, value=column.header)
        cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, WRAP
        sheet.column_dimensions[cell.column_letter].width = column.width
    sheet.freeze_panes = "C2"

    positions = {column.key: index for index, column in enumerate(COLUMNS, start=1)}
    for row_number, row in enumerate(rows, start=2):
        editable = row.value is None or row.value.state in (ValueState.DRAFT, ValueState.RETURNED)
        has_parts = bool(row.indicator.numerator_label)
        for key, content in _cells(row).items():
            cell = _put(sheet, row=row_number, column=positions[key], value=content)
            is_input = key in INPUT_KEYS and editable
            if key in ("numerator", "denominator") and not has_parts:
                is_input = False
            cell.alignment = WRAP if key in (*TEXT_KEYS, "indicator") else TOP
            if is_input:
                cell.protection = UNLOCKED
            else:
                cell.fill = LOCKED_FILL

    last = max(len(rows) + 1, 2)

    def span(key: str) -> str:
        letter = sheet.cell(row=1, column=positions[key]).column_letter
        return f"{letter}2:{letter}{last}"

    numbers = DataValidation(
        type="decimal",
        operator="between",
        formula1=str(-LARGEST_FIGURE),
        formula2=str(LARGEST_FIGURE),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Not a number",
        error="Enter a number, like 92.5 (no % sign, letters or spaces).",
    )
    quality = DataValidation(
        type="list",
        formula1='"{}"'.format(",".join(choice.label for choice in QUALITY_CHOICES)),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Not a data quality",
        error="Choose Final, Provisional or Estimated.",
    )
    for key in NUMBER_KEYS:
        numbers.add(span(key))
    quality.add(span("data_quality"))
    sheet.add_data_validation(numbers)
    sheet.add_data_validation(quality)

    # No password: it stops accidents, and the upload checks every cell again.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # officers may still widen columns
    sheet.protection.formatRows = False


def _cells(row: ReturnRow) -> dict:
    indicator, value = row.indicator, row.value
    previous = row.previous.figure if row.previous else None
    cells = {
        "indicator_code": indicator.code,
        "indicator": indicator.title,
        "unit": indicator.unit,
        "last_period": row.previous_period.label if row.previous_period else "None yet",
        "last_figure": (
            format_value(previous, indicator.precision, indicator.unit)
            if previous is not None
            else None
        ),
        "target": row.target_shown or "No target",
        "state": value.get_state_display() if value else "Not started",
    }
    if value is None:
        return {**{key: None for key in INPUT_KEYS}, **cells}
    return {
        **cells,
        "figure": _number(value.figure),
        "numerator": _number(value.numerator),
        "denominator": _number(value.denominator),
        "data_quality": value.get_data_quality_display(),
        "commentary": value.commentary or None,
        "reasons": value.reasons or None,
        "actions": value.actions or None,
        "not_available_reason": value.not_available_reason or None,
    }


def _number(number: Decimal | None) -> int | float | None:
    """A stored figure as Excel holds numbers (it has no decimals, only floats)."""
    if number is None:
        return None
    if number == number.to_integral_value():
        return int(number)
    return float(number)


def _about_sheet(sheet, cycle: ReportingCycle, service: OrgUnit) -> None:
    facts = [
        ("format", FORMAT_MARK),
        ("version", FORMAT_VERSION),
        ("cycle", cycle.pk),
        ("period", cycle.period.code),
        ("period_label", cycle.period.label),
        ("service", service.code),
        ("service_name", service.name),
    ]
    for row_number, (key, fact) in enumerate(facts, start=1):
        _put(sheet, row=row_number, column=1, value=key)
        _put(sheet, row=row_number, column=2, value=fact)
    sheet.sheet_state = "veryHidden"
    sheet.protection.sheet = True
