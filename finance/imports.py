"""Importing forecasts from the finance system's export (CSV or Excel).

The file has a row per cost centre and period with its forecast outturn. Each cost centre is
mapped (in Golden Thread) to a directorate or service; the rows of one unit's cost centres for
one period are summed into that unit's budget line. All or nothing, as the returns import:
every row is checked first, and one problem anywhere refuses the whole file with every
problem listed by row (numbered as in Excel: the header is row 1) and column. A file with no
problems is saved in one transaction as draft forecasts, through `record_forecast`.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath

from django.db import transaction
from django.db.models import Q
from openpyxl import load_workbook

from finance.models import BudgetLine, CostCentre, Forecast
from finance.workflow import PENCE_PLACES, WorkflowError, record_forecast
from indicators.entries import NumberError, number_from_cell, shown_text
from indicators.models import Period
from organisation.permissions import Action, can
from returns.imports import MAX_FILE_BYTES, ImportRejected, check_file_size, problem

MAX_ROWS = 5_000  # rows of forecasts: a council has a few hundred cost centres
MAX_LAST_ROW = 10_000  # reading stops here, whatever the file says of its own size
MAX_COLUMNS = 50  # read of each row: an export's columns are far fewer
MAX_UNPACKED_BYTES = 20 * 1024 * 1024  # a workbook's parts together, from its zip directory
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls)
IN_YEAR_KINDS = ("month", "quarter")
AMOUNT_EXAMPLE = "1,250,000.50"

# The columns, by their names as compared (lower case, single spaces); others are ignored.
COLUMNS = {
    "cost centre": "cost_centre",
    "cost center": "cost_centre",
    "period": "period",
    "forecast outturn": "forecast_outturn",
}

# The whole file
FILE_EMPTY = "“{name}” is empty. Choose the finance system's export of forecasts"
NO_ROWS = "“{name}” has no rows of forecasts below the header row"
TOO_MANY_ROWS = "“{name}” has more than {limit:,} rows of forecasts. Split it into smaller files"
TOO_FAR_DOWN = (
    "“{name}” goes on below row {limit:,}, where reading stops. Delete the empty rows below "
    "the forecasts"
)
NOT_A_WORKBOOK = (
    "“{name}” is not an Excel workbook or a CSV file. Export the forecasts from the finance "
    "system as an Excel Workbook (.xlsx) or as CSV"
)
OLD_EXCEL = (
    "“{name}” is an Excel 97-2003 workbook (.xls). Open it in Excel, save it as an "
    "Excel Workbook (.xlsx) and upload that"
)
UNPACKS_TOO_LARGE = "“{name}” unpacks to more than 20 MB. Split it into smaller files"
NOT_UTF8 = (
    "“{name}” is not UTF-8 text: save it from Excel as “CSV UTF-8 (Comma delimited) (*.csv)” "
    "and upload that"
)
UNREADABLE = "“{name}” cannot be read as CSV ({detail}). Export it from the finance system again"
MISSING_COLUMNS = (
    "“{name}” has no column called {columns}. The header row (row 1) must name the columns "
    "Cost centre, Period and Forecast outturn; other columns are ignored"
)

# One row
IN_ROW = "Row {row}, {column}: {message}"
CENTRE_MISSING = "Row {row}, {column}: the cost centre is missing. Enter its code, like C1234"
UNKNOWN_CENTRE = (
    "Row {row}, {column}: there is no cost centre “{code}” in Golden Thread. Check the code, "
    "or map it to its directorate or service on the cost centres page"
)
PERIOD_MISSING = (
    "Row {row}, {column}: the period is missing. Enter a quarter like Q2 2026/27 or "
    "2026-27-Q2, or a month like September 2026"
)
UNKNOWN_PERIOD = (
    "Row {row}, {column}: “{text}” is not a month or quarter Golden Thread knows. Enter a "
    "quarter like Q2 2026/27 or 2026-27-Q2, or a month like September 2026"
)
AMOUNT_MISSING = (
    "Row {row}, {column}: the forecast outturn is missing. Enter it in pounds, like "
    + AMOUNT_EXAMPLE
)
TOO_PRECISE = (
    "Row {row}, {column}: “{text}” has more than 2 decimal places. Enter the forecast in "
    "pounds and pence, like " + AMOUNT_EXAMPLE
)
NO_BUDGET_LINE = (
    "Row {row}, {column}: {unit} (cost centre {code}) has no budget for {year}. Set its "
    "budget first, or remove the row"
)
NOT_YOURS = (
    "Row {row}, {column}: you do not enter forecasts for {unit} (cost centre {code}). "
    "Remove the row"
)
DUPLICATE_ROW = (
    "Row {row} repeats row {first}: both are cost centre {code} in {period}. Keep one of them"
)
NOT_EDITABLE_ROW = (
    "Row {row}, {column}: {unit}'s forecast for {period} is {state}, so an import cannot "
    "replace it. Revise it on its page, or remove the row"
)
IMPORT_REASON = "Imported from {name}"


@dataclass
class ParsedRow:
    number: int  # as the officer sees it in Excel (the header is row 1)
    cells: dict[str, object]  # key → str, number, date or None


@dataclass
class ParsedFile:
    name: str
    columns: dict[str, str]  # key → the column's name in the file
    rows: list[ParsedRow]


@dataclass
class PlannedForecast:
    """One line's forecast at one period: the sum of its cost centres' rows."""

    line: BudgetLine
    period: Period
    amount: Decimal
    rows: list[int] = field(default_factory=list)


def _reject(message: str) -> ImportRejected:
    return ImportRejected([problem(None, "", message)])


# Reading


def read_forecast_file(file, *, name: str | None = None) -> ParsedFile:
    """The rows of an Excel workbook (its first sheet) or a CSV file; ImportRejected for a
    file that cannot be read as either."""
    name = name or PurePath(getattr(file, "name", "") or "the file").name
    size = getattr(file, "size", None)
    check_file_size(size, name)
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(MAX_FILE_BYTES + 1)
    check_file_size(len(data), name)
    if not data.strip():
        raise _reject(FILE_EMPTY.format(name=name))
    if data.startswith(OLE2_MAGIC):
        raise _reject(OLD_EXCEL.format(name=name))
    if data.startswith(ZIP_MAGIC):
        header, records = _workbook_records(data, name)
    else:
        header, records = _csv_records(data, name)
    found = [" ".join(str(cell or "").replace("_", " ").split()).lower() for cell in header]
    positions: dict[str, int] = {}
    columns: dict[str, str] = {}
    for index, text in enumerate(found):
        key = COLUMNS.get(text)
        if key is not None and key not in positions:
            positions[key] = index
            columns[key] = str(header[index]).strip()
    missing = [
        title
        for title, key in (
            ("“Cost centre”", "cost_centre"),
            ("“Period”", "period"),
            ("“Forecast outturn”", "forecast_outturn"),
        )
        if key not in positions
    ]
    if missing:
        raise _reject(MISSING_COLUMNS.format(name=name, columns=" or ".join(missing)))
    rows = []
    for number, record in records:
        cells = {
            key: record[index] if index < len(record) else None for key, index in positions.items()
        }
        if all(_is_blank(value) for value in cells.values()):
            continue
        if len(rows) == MAX_ROWS:
            raise _reject(TOO_MANY_ROWS.format(name=name, limit=MAX_ROWS))
        rows.append(ParsedRow(number=number, cells=cells))
    if not rows:
        raise _reject(NO_ROWS.format(name=name))
    return ParsedFile(name=name, columns=columns, rows=rows)


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _workbook_records(data: bytes, name: str) -> tuple[list, list[tuple[int, list]]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            # Checked from the zip's directory before anything is unpacked.
            if sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
                raise _reject(UNPACKS_TOO_LARGE.format(name=name))
            for part in parts:
                # Excel never writes a document type: one can only be there to define
                # entities, whose expansion is the oldest XML bomb.
                if b"<!DOCTYPE" in archive.read(part).upper():
                    raise _reject(NOT_A_WORKBOOK.format(name=name))
    except ImportRejected:
        raise
    except Exception:  # a damaged zip: directory, CRC, compression method, encryption, …
        raise _reject(NOT_A_WORKBOOK.format(name=name)) from None
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error for a broken or foreign zip
        raise _reject(NOT_A_WORKBOOK.format(name=name)) from None
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # the file's claim of its own size is not trusted
        records = []
        rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        for number, cells in enumerate(rows, start=1):
            if number > MAX_LAST_ROW:
                raise _reject(TOO_FAR_DOWN.format(name=name, limit=MAX_LAST_ROW))
            records.append((number, list(cells)))
    except ImportRejected:
        raise
    except Exception:  # a damaged sheet inside a valid zip
        raise _reject(NOT_A_WORKBOOK.format(name=name)) from None
    finally:
        book.close()
    if not records:
        raise _reject(FILE_EMPTY.format(name=name))
    return records[0][1], records[1:]


def _csv_records(data: bytes, name: str) -> tuple[list, list[tuple[int, list]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _reject(NOT_UTF8.format(name=name)) from None
    if "\x00" in text:
        raise _reject(NOT_A_WORKBOOK.format(name=name))
    records = []
    try:
        for number, record in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            if number > MAX_LAST_ROW:
                raise _reject(TOO_FAR_DOWN.format(name=name, limit=MAX_LAST_ROW))
            records.append((number, record))
    except csv.Error as error:
        raise _reject(UNREADABLE.format(name=name, detail=error)) from None
    return records[0][1], records[1:]


# Checking


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return " ".join(str(value).split())


ACCOUNTING_NEGATIVE = re.compile(r"\((.*)\)")


def _amount(value, *, row: int, column: str) -> tuple[Decimal | None, str | None]:
    """A forecast cell as pounds: a number cell, or text like 1,250,000.50, -£1,250 or
    (1,250) (the accountants' negative). Returns the amount or the row's problem."""
    if _is_blank(value):
        return None, AMOUNT_MISSING.format(row=row, column=column)
    if isinstance(value, str):
        text = value.strip()
        negative = ACCOUNTING_NEGATIVE.fullmatch(text)
        if negative:
            text = "-" + negative.group(1).strip()
        text = re.sub(r"^([+-]?)£", r"\1", text)
        value = text
    try:
        amount = number_from_cell(value, example=AMOUNT_EXAMPLE)
    except NumberError as error:
        return None, IN_ROW.format(row=row, column=column, message=error.message)
    if amount != amount.quantize(Decimal(1).scaleb(-PENCE_PLACES)):
        return None, TOO_PRECISE.format(row=row, column=column, text=_text(value))
    return amount, None


def _period_keys(value) -> tuple[str, ...]:
    """How a period cell may name a period: its code or label, in any case."""
    text = _text(value)
    return (text, text.upper(), text.title()) if text else ()


class _Context:
    """Everything the rows are checked against, in a fixed number of queries."""

    def __init__(self, parsed: ParsedFile):
        # Every cost centre, to match codes in any case: a council has hundreds, not more.
        self.centres = {
            centre.code.upper(): centre for centre in CostCentre.objects.select_related("unit")
        }
        keys = {key for row in parsed.rows for key in _period_keys(row.cells["period"])}
        days = {
            value.date() if isinstance(value, datetime) else value
            for row in parsed.rows
            if isinstance(value := row.cells["period"], date)
        }
        found = list(
            Period.objects.filter(kind__in=IN_YEAR_KINDS)
            .filter(Q(code__in=keys) | Q(label__in=keys) | Q(kind="month", starts_on__in=days))
            .select_related("financial_year")
        )
        self.periods = {}
        self.months = {}
        for period in found:
            self.periods.setdefault(period.code.upper(), period)
            self.periods.setdefault(period.label.upper(), period)
            if period.kind == "month":
                self.months[period.starts_on] = period
        year_ids = {p.financial_year_id for p in found}
        unit_ids = {centre.unit_id for centre in self.centres.values()}
        self.lines = {
            (line.unit_id, line.year_id): line
            for line in BudgetLine.objects.filter(
                unit_id__in=unit_ids, year_id__in=year_ids
            ).select_related("unit", "year")
        }
        self.existing = {
            (forecast.line_id, forecast.period_id): forecast
            for forecast in Forecast.objects.filter(
                line__in=list(self.lines.values()), period__in=found
            )
        }

    def period(self, value) -> Period | None:
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            # Excel turns "September 2026" typed in a cell into 1 September 2026.
            return self.months.get(value.replace(day=1))
        return self.periods.get(_text(value).upper())


def check_forecast_rows(parsed: ParsedFile, *, by) -> list[PlannedForecast]:
    """Every row checked; the forecasts to save, or ImportRejected listing every problem."""
    context = _Context(parsed)
    column = parsed.columns
    problems: list[dict] = []
    planned: dict[tuple[int, int], PlannedForecast] = {}
    seen: dict[tuple[str, int], int] = {}
    for row in parsed.rows:
        number, cells = row.number, row.cells

        def add(key: str, message: str, number=number) -> None:
            problems.append(problem(number, column.get(key, ""), message))

        code = _text(cells["cost_centre"])
        centre = None
        if not code:
            add("cost_centre", CENTRE_MISSING.format(row=number, column=column["cost_centre"]))
        else:
            centre = context.centres.get(code.upper())
            if centre is None:
                add(
                    "cost_centre",
                    UNKNOWN_CENTRE.format(
                        row=number, column=column["cost_centre"], code=shown_text(code)
                    ),
                )
        period = None
        if _is_blank(cells["period"]):
            add("period", PERIOD_MISSING.format(row=number, column=column["period"]))
        else:
            period = context.period(cells["period"])
            if period is None:
                text = shown_text(_text(cells["period"]))
                add("period", UNKNOWN_PERIOD.format(row=number, column=column["period"], text=text))
        amount, amount_problem = _amount(
            cells["forecast_outturn"], row=number, column=column["forecast_outturn"]
        )
        if amount_problem:
            add("forecast_outturn", amount_problem)
        if centre is None or period is None:
            continue
        first = seen.setdefault((centre.code.upper(), period.pk), number)
        if first != number:
            add(
                "cost_centre",
                DUPLICATE_ROW.format(
                    row=number, first=first, code=centre.code, period=period.label
                ),
            )
            continue
        unit = centre.unit
        line = context.lines.get((unit.pk, period.financial_year_id))
        if line is None:
            add(
                "cost_centre",
                NO_BUDGET_LINE.format(
                    row=number,
                    column=column["cost_centre"],
                    unit=unit.name,
                    code=centre.code,
                    year=period.financial_year.label,
                ),
            )
            continue
        if not can(by, Action.ENTER_FORECAST, line):
            add(
                "cost_centre",
                NOT_YOURS.format(
                    row=number, column=column["cost_centre"], unit=unit.name, code=centre.code
                ),
            )
            continue
        existing = context.existing.get((line.pk, period.pk))
        if existing is not None and not existing.is_editable:
            add(
                "period",
                NOT_EDITABLE_ROW.format(
                    row=number,
                    column=column["period"],
                    unit=unit.name,
                    period=period.label,
                    state=existing.get_state_display().lower(),
                ),
            )
            continue
        if amount is None:
            continue
        plan = planned.setdefault(
            (line.pk, period.pk), PlannedForecast(line=line, period=period, amount=Decimal(0))
        )
        plan.amount += amount
        plan.rows.append(number)
    if problems:
        raise ImportRejected(sorted(problems, key=lambda p: p["row"] or 0))
    return list(planned.values())


# Saving


@transaction.atomic
def import_forecasts(file, *, by, name: str | None = None) -> list[Forecast]:
    """Read, check and save a finance export as draft forecasts: all of it, or nothing
    (ImportRejected, every problem by row)."""
    parsed = read_forecast_file(file, name=name)
    planned = check_forecast_rows(parsed, by=by)
    saved = []
    for plan in planned:
        try:
            saved.append(
                record_forecast(
                    line=plan.line,
                    period=plan.period,
                    entries={"forecast_outturn": plan.amount},
                    by=by,
                    reason=IMPORT_REASON.format(name=parsed.name),
                    imported=True,
                )
            )
        except WorkflowError as error:
            # Changed by someone else since the check: the outer transaction undoes the rest.
            column = parsed.columns["forecast_outturn"]
            raise ImportRejected(
                [
                    problem(
                        plan.rows[0],
                        column,
                        IN_ROW.format(row=plan.rows[0], column=column, message=str(error)),
                    )
                ]
            ) from None
    return saved
