"""Importing figures from a file: one service's return workbook, or a CSV of many services'.

All or nothing. Every row is read and checked first, against the same rules as the return
page (`returns.validation.check_entry`); only a file with no problems is saved, in one
transaction through `returns.collection.save_return`, as drafts the officer then checks and
submits on the return page. A rejected file changes nothing and lists every problem by row,
numbered as the officer sees it in Excel (the header is row 1).
"""

from __future__ import annotations

import csv
import io
import logging
import math
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath
from xml.parsers import expat

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from openpyxl import load_workbook

from indicators.entries import (
    MAX_TEXT_LENGTH,
    TEXT_FIELDS,
    TEXT_TOO_LONG,
    NumberError,
    number_from_cell,
    shown_text,
)
from indicators.models import (
    SIGNED_OFF_STATES,
    CycleState,
    DataQuality,
    Frequency,
    Indicator,
    Period,
    ReportingCycle,
    Value,
    ValueRevision,
)
from indicators.workflow import EDITABLE_STATES, WorkflowError
from operations.jobs import JobLost, claim_job, finish_job, hold
from operations.models import JobKind
from operations.storage import is_disk_full
from organisation.models import OrgUnit
from organisation.permissions import Action, can
from returns.collection import (
    ALREADY_SUBMITTED,
    CYCLE_NOT_OPEN,
    EntryInput,
    ReturnConflict,
    save_return,
)
from returns.models import ImportKind, ImportRun, ImportState
from returns.queries import HISTORY_POINTS, due_indicators
from returns.validation import Entry, check_entry
from returns.workbooks import (
    ABOUT_SHEET,
    COLUMNS,
    FORMAT_MARK,
    INPUT_KEYS,
    NUMBER_KEYS,
    RETURN_SHEET,
    text_from_cell,
)
from status.periods import PeriodKind, period_from_code

logger = logging.getLogger(__name__)

MEGABYTE = 1024 * 1024
MAX_FILE_BYTES = 5 * MEGABYTE
MAX_ROWS = 10_000  # rows of figures: a county quarter of 2,000 monthly indicators is 6,000
PROGRESS_EVERY = 200  # rows checked between progress saves
# A workbook is a zip of XML parts. These limits are checked from the zip's directory before
# anything is unpacked (zipfile never unpacks a part beyond the size the directory gives it).
MAX_UNPACKED_BYTES = 20 * MEGABYTE  # all parts; the largest return (10,000 rows) is ~11 MB
MAX_COMPRESSION_RATIO = 100  # Excel packs a sheet about 5 to 20 times
RATIO_CHECKED_FROM = MEGABYTE  # smaller parts may pack tighter; they are small anyway
MAX_PARTS = 1_000  # a return workbook has about a dozen
# Then the parts are counted as they unpack, a chunk at a time, before openpyxl reads them:
# it builds an object for every element, so a part of small elements (a row of a million
# empty cells) costs far more memory than its size.
MAX_ELEMENTS = 500_000  # XML elements of every part together; a 10,000-row return has ~360,000
MAX_ROW_CELLS = 1_000  # cells in one row of any sheet; a return has 15
# Formats cost openpyxl some 2 KB each. Excel allows 64,000; a return uses a few dozen.
MAX_FORMATS = 20_000
FORMAT_ELEMENTS = frozenset({"xf", "font", "fill", "border", "numFmt", "dxf", "cellStyle"})
UNPACK_CHUNK = 64 * 1024
# Checked while the rows stream in, whatever the file says of its own size.
MAX_LAST_ROW = 20_000  # reading stops here
MAX_COLUMNS = 50  # in the header row; a return has 15
MAX_CELL_CHARACTERS = 32_767  # Excel's own limit for one cell
ABOUT_ROWS = 20  # of the hidden sheet naming the return; it has 7

CSV_COLUMNS = (
    "indicator_code",
    "period",
    "figure",
    "numerator",
    "denominator",
    "data_quality",
    "commentary",
    "reasons",
    "actions",
    "not_available_reason",
)
# Cells that say something about the figure; a row with none of them is left as it is.
CONTENT_KEYS = tuple(key for key in INPUT_KEYS if key != "data_quality")
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls)
SAVE_AS_CSV = "save it from Excel as “CSV UTF-8 (Comma delimited) (*.csv)” and upload that"

# The whole file
FILE_TOO_LARGE = "“{name}” is {size}; the limit is {limit}. Split it into smaller files"
FILE_EMPTY = "“{name}” is empty. Choose the file with the figures in it"
NO_ROWS = "“{name}” has no rows of figures below the header row"
TOO_MANY_ROWS = (
    "“{name}” has more than {limit:,} rows of figures; the limit is {limit:,}. Split it into "
    "smaller files"
)
TOO_FAR_DOWN = (
    "“{name}” goes on below row {limit:,}, where reading stops. Delete the empty rows below "
    "the figures, or split the file into smaller files"
)
TOO_MANY_COLUMNS = (
    "“{name}” has more than {limit:,} columns in its header row. Delete the columns that are "
    "not part of the return"
)
UNPACKS_TOO_LARGE = (
    "“{name}” unpacks to {size}; the limit is {limit}. Remove what is not part of the "
    "return (pictures, other sheets, very long text), or download the return's spreadsheet "
    "again and enter the figures in it"
)
TOO_TIGHTLY_PACKED = (
    "“{name}” has a part ({part}) that unpacks to {ratio:,} times its packed size; the limit "
    "is {limit:,} times. Excel never packs a spreadsheet this tightly: download the return's "
    "spreadsheet again and enter the figures in it"
)
TOO_MANY_ELEMENTS = (
    "“{name}” holds more than {limit:,} cells, texts and styles; a return holds far fewer. "
    "Remove what is not part of the return, or split it into smaller files"
)
TOO_MANY_FORMATS = (
    "“{name}” has more than {limit:,} cell formats; a return uses a few dozen. Copy the "
    "figures into a fresh download of the return's spreadsheet and upload that"
)
ROW_TOO_WIDE = (
    "“{name}” has a row (row {row} of a sheet) with more than {limit:,} cells. Clear the "
    "cells to the right of the return's columns"
)
TOO_MANY_PARTS = (
    "“{name}” is made of {count:,} parts; an Excel workbook has a few dozen at most (the "
    "limit is {limit:,}). Download the return's spreadsheet again and enter the figures in it"
)
NOT_A_WORKBOOK = (
    "“{name}” is not an Excel workbook. Upload the spreadsheet downloaded from this return, "
    "saved as an Excel Workbook (.xlsx)"
)
OLD_EXCEL = (
    "“{name}” is an Excel 97-2003 workbook (.xls). Open it in Excel, save it as an "
    "Excel Workbook (.xlsx) and upload that"
)
NOT_OUR_WORKBOOK = (
    "“{name}” is not a return spreadsheet from Golden Thread. Download this return's "
    "spreadsheet from its page, enter the figures in it and upload that"
)
WRONG_RETURN = (
    "“{name}” is the return for {their_service}, {their_period}, not for {service}, {period}. "
    "Upload it on its own return's page, or download this return's spreadsheet and use that"
)
WRONG_PERIOD = (
    "“{name}” is {service}'s return for {their_period}, not for {period}. Upload it on the "
    "{their_period} return's page, or download this return's spreadsheet and use that"
)
NO_RETURN_SHEET = (
    "“{name}” has no sheet called “Return”. Download the return's spreadsheet again and "
    "enter the figures in its Return sheet"
)
NOT_A_CSV = "“{name}” is not a CSV file: " + SAVE_AS_CSV
WORKBOOK_NOT_CSV = "“{name}” is an Excel workbook, not a CSV file: " + SAVE_AS_CSV
NOT_UTF8 = "“{name}” is not UTF-8 text: " + SAVE_AS_CSV
WRONG_COLUMNS = (
    "“{name}” does not have the expected columns. {details}The columns must be: {expected}"
)
MISSING_COLUMNS = "Missing: {columns}. "
UNEXPECTED_COLUMNS = "Not expected: {columns}. "
REPEATED_COLUMNS = "More than once: {columns}. "
SEMICOLONS = "It seems to use semicolons between columns: " + SAVE_AS_CSV + ". "
NOT_ALLOWED = "You cannot enter figures for {service}, so nothing was imported"
NO_UPLOADER = "The person who uploaded “{name}” no longer has an account, so nothing was imported"
RETURN_GONE = "The return this file was uploaded to no longer exists, so nothing was imported"
DISK_FULL = (
    "“{name}” could not be kept because the server has run out of storage space, so nothing "
    "was imported. Try again later; if it happens again, tell the performance team"
)
BROKEN = (
    "Something went wrong while importing “{name}”, so nothing was imported. Try again; "
    "if it happens again, tell the performance team"
)

# One row
ROW_TOO_LONG = (
    "Row {row} has {count} cells but the header has {expected} columns. Remove the extra "
    "cells, or put text that contains commas in double quotes"
)
ROW_TOO_SHORT = (
    "Row {row} has {count} cells but the header has {expected} columns. Add the missing "
    "cells: an empty cell still needs its comma"
)
UNCLOSED_QUOTE = (
    "Row {row}: a double quote starts text that is never closed, so every row after it would "
    "be read into one cell. End the text with a double quote; a double quote inside the text "
    "must be written twice"
)
STRAY_QUOTE = (
    "Row {row}: a double quote ends quoted text in the middle of a cell. Put the whole cell "
    "in double quotes, and write each double quote inside it twice"
)
UNREADABLE_ROW = "Row {row} cannot be read ({detail}): " + SAVE_AS_CSV
LINE_BREAK = (
    "Row {row}, {column}: the cell runs over more than one line. A double quote earlier in "
    "the row is probably not closed: end quoted text with a double quote"
)
SWALLOWED_ROWS = (
    "Row {row}, {column}: the text runs over lines that look like rows of the file "
    "(“{line}”). A double quote in it is probably not closed, so those rows would be lost. "
    "End quoted text with a double quote; a double quote inside the text must be written "
    "twice"
)
CELL_TOO_LONG = (
    "Row {row}, {column}: the cell holds more than {limit:,} characters, more than a "
    "spreadsheet cell can. Shorten it"
)
CSV_CELL_TOO_LONG = (
    "Row {row}: a cell holds more than {limit:,} characters, more than a spreadsheet cell "
    "can. Shorten it"
)
CODE_MISSING = "Row {row}, {column}: the indicator code is missing. {fix}"
CODE_FIX_WORKBOOK = "Do not change the Code column: download the return again for a fresh copy"
CODE_FIX_CSV = "Enter the indicator's code, like WST-01"
UNKNOWN_CODE = "Row {row}, {column}: there is no indicator with the code “{code}”. Check the code"
NOT_IN_RETURN = (
    "Row {row}, {column}: “{code}” is not in {service}'s return for {period}. Do not change "
    "the Code column: download the return again for a fresh copy"
)
NOT_YOURS = "Row {row}, {column}: you do not enter figures for {code}. Remove the row"
NOT_DUE = (
    "Row {row}, {column}: {code} is not collected in {period}: it is {lifecycle}. Remove the row"
)
PERIOD_MISSING = "Row {row}, {column}: the period is missing. Enter a period code like {example}"
UNKNOWN_PERIOD = (
    "Row {row}, {column}: “{text}” is not a period code. Use a code like 2026-27-Q2 "
    "(a quarter), 2026-10 (a month) or 2026-27 (a financial year)"
)
WRONG_KIND_PERIOD = (
    "Row {row}, {column}: {code} is collected {frequency}, so the period must be a {kind} "
    "code like {example}, not “{text}”"
)
NO_CYCLE = (
    "Row {row}, {column}: figures for {period} cannot be imported: it has no reporting cycle. "
    "Set one up and open it, or remove the row"
)
ROW_CYCLE_NOT_OPEN = (
    "Row {row}, {column}: figures for {period} cannot be imported: its reporting cycle is "
    "{state}. Open it first, or remove the row"
)
DUPLICATE_ROW = "Row {row} repeats row {first}: both are for {code} in {period}. Keep one of them"
BAD_QUALITY = (
    "Row {row}, {column}: “{text}” is not a data quality. Enter Final, Provisional or Estimated"
)
NO_PARTS = "Row {row}, {column}: {code} has no numerator or denominator. Leave {column} empty"
IN_ROW = "Row {row}, {column}: {message}"
CONFLICT_ROW = (
    "Row {row}, {column}: someone else changed {code} while the file was being imported, so "
    "nothing was imported. Upload the file again to check it against their figure"
)
IMPORT_REASON = "Imported from {name}"

PERIOD_EXAMPLES = {
    PeriodKind.month: "2026-10",
    PeriodKind.quarter: "2026-27-Q2",
    PeriodKind.financial_year: "2026-27",
}
NUMBER_EXAMPLES = {"figure": "92.5", "numerator": "1250", "denominator": "1250"}
QUALITY_BY_TEXT = {
    **{choice.value: choice.value for choice in DataQuality},
    **{choice.label.lower(): choice.value for choice in DataQuality},
}


class ImportRejected(Exception):
    """The file cannot be imported; `problems` says why, row by row."""

    def __init__(self, problems: list[dict]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s)")


def problem(row: int | None, column: str, message: str) -> dict:
    return {"row": row, "field": column, "message": message}


def _reject(message: str) -> ImportRejected:
    return ImportRejected([problem(None, "", message)])


@dataclass
class ParsedRow:
    number: int  # as the officer sees it in Excel (the header is row 1)
    cells: dict[str, object]  # key → str, Decimal or None, for the columns the file has


@dataclass
class ParsedRows:
    """A file's rows, read but not yet checked against the framework."""

    kind: str
    name: str
    columns: dict[str, str]  # key → the column's name in the file
    rows: list[ParsedRow]
    problems: list[dict] = field(default_factory=list)  # rows that could not be read
    cycle: ReportingCycle | None = None
    service: OrgUnit | None = None


@dataclass
class PlannedRow:
    number: int
    indicator: Indicator
    cycle: ReportingCycle
    entries: dict
    expected_version: int | None


@dataclass
class Plan:
    """What saving the file would change: rows with new figures, and notes to check."""

    rows: list[PlannedRow]
    notes: list[dict]


# Reading


def _file_name(file, name: str | None) -> str:
    return name or PurePath(getattr(file, "name", "") or "the file").name


def _size_text(size: int) -> str:
    """Megabytes, rounded up: a file just over the limit never reads as the limit."""
    tenths = math.ceil(size * 10 / MEGABYTE)
    return f"{tenths // 10} MB" if tenths % 10 == 0 else f"{tenths / 10:.1f} MB"


def check_file_size(size: int | None, name: str) -> None:
    """Refuse a file over the size limit before anything reads it."""
    if size is not None and size > MAX_FILE_BYTES:
        raise _reject(
            FILE_TOO_LARGE.format(
                name=name, size=_size_text(size), limit=_size_text(MAX_FILE_BYTES)
            )
        )


def _read_bytes(file, name: str) -> bytes:
    size = getattr(file, "size", None)
    if size is None and hasattr(file, "seek"):
        size = file.seek(0, io.SEEK_END)
    check_file_size(size, name)
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(MAX_FILE_BYTES + 1)
    check_file_size(len(data), name)
    if not data:
        raise _reject(FILE_EMPTY.format(name=name))
    return data


def _columns(found: list[str], expected: dict[str, str], *, name: str, hint: str = "") -> dict:
    """Map each expected column's key to its position; refuse missing or unexpected columns.
    `expected` maps a column's name (as compared) to its key."""
    positions: dict[str, int] = {}
    unexpected, repeated = [], []
    for index, header in enumerate(found):
        key = expected.get(header)
        if key is None:
            if header:
                unexpected.append(shown_text(header))
        elif key in positions:
            repeated.append(header)
        else:
            positions[key] = index
    missing = [header for header, key in expected.items() if key not in positions]
    if missing or unexpected or repeated:
        details = hint
        if missing:
            details += MISSING_COLUMNS.format(columns=", ".join(missing))
        if unexpected:
            details += UNEXPECTED_COLUMNS.format(columns=", ".join(unexpected))
        if repeated:
            details += REPEATED_COLUMNS.format(columns=", ".join(repeated))
        raise _reject(
            WRONG_COLUMNS.format(name=name, details=details, expected=", ".join(expected))
        )
    return positions


def _check_unpacked(data: bytes, name: str) -> None:
    """Refuse a workbook that would unpack to too much, from its zip directory alone."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except Exception:  # a damaged zip directory raises many kinds of error
        raise _reject(NOT_A_WORKBOOK.format(name=name)) from None
    if len(parts) > MAX_PARTS:
        raise _reject(TOO_MANY_PARTS.format(name=name, count=len(parts), limit=MAX_PARTS))
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_UNPACKED_BYTES:
        raise _reject(
            UNPACKS_TOO_LARGE.format(
                name=name, size=_size_text(unpacked), limit=_size_text(MAX_UNPACKED_BYTES)
            )
        )
    for part in parts:
        packed = max(part.compress_size, 1)
        if part.file_size >= RATIO_CHECKED_FROM and part.file_size > packed * MAX_COMPRESSION_RATIO:
            raise _reject(
                TOO_TIGHTLY_PACKED.format(
                    name=name,
                    part=shown_text(part.filename),
                    ratio=part.file_size // packed,
                    limit=MAX_COMPRESSION_RATIO,
                )
            )


class _ElementCounter:
    """Counts a part's XML elements as expat streams it, refusing at the first limit."""

    def __init__(self, name: str):
        self.name = name
        self.elements = 0
        self.formats = 0
        self.row = 0  # the row being read, or 0 outside rows
        self.row_cells = 0

    def start(self, tag: str, attributes: dict) -> None:
        self.elements += 1
        if self.elements > MAX_ELEMENTS:
            raise _reject(TOO_MANY_ELEMENTS.format(name=self.name, limit=MAX_ELEMENTS))
        local = tag.rpartition(":")[2]
        if local in FORMAT_ELEMENTS:
            self.formats += 1
            if self.formats > MAX_FORMATS:
                raise _reject(TOO_MANY_FORMATS.format(name=self.name, limit=MAX_FORMATS))
        elif local == "row":
            reference = str(attributes.get("r", ""))
            self.row = int(reference) if reference.isdigit() else self.row + 1
            self.row_cells = 0
        elif local == "c" and self.row:
            self.row_cells += 1
            if self.row_cells > MAX_ROW_CELLS:
                raise _reject(
                    ROW_TOO_WIDE.format(name=self.name, row=f"{self.row:,}", limit=MAX_ROW_CELLS)
                )

    def refuse_declarations(self, *_) -> None:
        # Excel never writes a document type: one can only be there to define entities,
        # whose expansion is the oldest XML bomb.
        raise _reject(NOT_A_WORKBOOK.format(name=self.name))


def _count_elements(data: bytes, name: str) -> None:
    """Refuse a workbook with too many XML elements, or a row with too many cells, in any
    part, streaming each part through expat before openpyxl builds anything from it."""
    counter = _ElementCounter(name)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for part in archive.infolist():
                parser = expat.ParserCreate()
                parser.StartElementHandler = counter.start
                parser.StartDoctypeDeclHandler = counter.refuse_declarations
                parser.EntityDeclHandler = counter.refuse_declarations
                counter.row = 0
                with archive.open(part) as stream:
                    try:
                        while chunk := stream.read(UNPACK_CHUNK):
                            parser.Parse(chunk, False)
                        parser.Parse(b"", True)
                    except expat.ExpatError:
                        continue  # not XML (a picture): never read as XML by openpyxl either
    except ImportRejected:
        raise
    except Exception:  # a damaged zip: zlib, CRC, compression method, encryption, …
        raise _reject(NOT_A_WORKBOOK.format(name=name)) from None


def read_return_workbook(
    file, *, cycle: ReportingCycle, service: OrgUnit, name: str | None = None
) -> ParsedRows:
    """The rows of a return workbook downloaded from this service's return for this cycle.

    Raises ImportRejected for a file that cannot be read as one; problems with single cells
    are found by `check_rows`."""
    name = _file_name(file, name)
    data = _read_bytes(file, name)
    if data.startswith(OLE2_MAGIC):
        raise _reject(OLD_EXCEL.format(name=name))
    if not data.startswith(ZIP_MAGIC):
        raise _reject(NOT_A_WORKBOOK.format(name=name))
    _check_unpacked(data, name)
    _count_elements(data, name)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error for a broken or foreign zip
        raise _reject(NOT_A_WORKBOOK.format(name=name)) from None
    try:
        _check_workbook_is_for(book, name=name, cycle=cycle, service=service)
        if RETURN_SHEET not in book.sheetnames:
            raise _reject(NO_RETURN_SHEET.format(name=name))
        columns, rows = _read_return_sheet(book[RETURN_SHEET], name=name)
    except ImportRejected:
        raise
    except Exception:  # a damaged sheet inside a valid zip
        raise _reject(NOT_A_WORKBOOK.format(name=name)) from None
    finally:
        book.close()
    return ParsedRows(
        kind=ImportKind.RETURN_WORKBOOK,
        name=name,
        columns=columns,
        rows=rows,
        cycle=cycle,
        service=service,
    )


def _check_workbook_is_for(book, *, name: str, cycle: ReportingCycle, service: OrgUnit) -> None:
    if ABOUT_SHEET not in book.sheetnames:
        raise _reject(NOT_OUR_WORKBOOK.format(name=name))
    about = book[ABOUT_SHEET]
    about.reset_dimensions()  # the file's claim of its own size is not trusted
    facts = {
        str(key): text_from_cell(fact) if isinstance(fact, str) else fact
        for key, fact in about.iter_rows(max_row=ABOUT_ROWS, max_col=2, values_only=True)
        if key
    }
    if facts.get("format") != FORMAT_MARK:
        raise _reject(NOT_OUR_WORKBOOK.format(name=name))
    if str(facts.get("cycle")) != str(cycle.pk) or str(facts.get("service")) != service.code:
        raise _reject(_wrong_return(facts, name=name, cycle=cycle, service=service))


def _wrong_return(facts: dict, *, name: str, cycle: ReportingCycle, service: OrgUnit) -> str:
    """Which return the file is, and which this is: named as Golden Thread names them (the
    file's own words only if its service or cycle is gone), and told apart if the two
    services share a name."""
    code = str(facts.get("service") or "")
    theirs = OrgUnit.objects.select_related("parent").filter(code=code).first()
    their_cycle = (
        ReportingCycle.objects.select_related("period")
        .filter(pk=int(facts["cycle"]) if str(facts.get("cycle")).isdigit() else None)
        .first()
    )
    their_period = (
        their_cycle.period.label
        if their_cycle
        else shown_text(str(facts.get("period_label") or facts.get("period") or "another period"))
    )
    if theirs is not None and theirs.pk == service.pk:
        return WRONG_PERIOD.format(
            name=name, service=service.name, their_period=their_period, period=cycle.period.label
        )
    their_name = (
        theirs.name
        if theirs
        else shown_text(str(facts.get("service_name") or code or "another service"))
    )
    our_name = service.name
    if their_name == our_name:
        their_name, our_name = _told_apart(theirs, code), _told_apart(service, service.code)
    return WRONG_RETURN.format(
        name=name,
        their_service=their_name,
        their_period=their_period,
        service=our_name,
        period=cycle.period.label,
    )


def _told_apart(unit: OrgUnit | None, code: str) -> str:
    """A service's name with its directorate, or its code, to tell it from another of the
    same name."""
    if unit is None:
        return shown_text(code)
    return f"{unit.name} ({unit.parent.name if unit.parent_id else unit.code})"


def _read_return_sheet(sheet, *, name: str) -> tuple[dict, list[ParsedRow]]:
    """The Return sheet's rows, streamed: reading stops at the first limit crossed (rows,
    columns, cell length), whatever the sheet declares of its own size."""
    by_header = {column.header: column.key for column in COLUMNS}
    sheet.reset_dimensions()  # a declared size can be false either way: read what is there
    header = next(
        sheet.iter_rows(min_row=1, max_row=1, max_col=MAX_COLUMNS + 1, values_only=True), ()
    )
    found = [text_from_cell(str(cell)).strip() if cell is not None else "" for cell in header]
    while found and not found[-1]:
        found.pop()
    if len(found) > MAX_COLUMNS:
        raise _reject(TOO_MANY_COLUMNS.format(name=name, limit=MAX_COLUMNS))
    positions = _columns(found, by_header, name=name)
    wanted = {key: positions[key] for key in ("indicator_code", *INPUT_KEYS)}
    headers = {key: header for header, key in by_header.items() if key in wanted}
    width = max(wanted.values()) + 1
    rows = []
    for number, cells in enumerate(sheet.iter_rows(min_row=2, max_col=width), start=2):
        if number > MAX_LAST_ROW:
            raise _reject(TOO_FAR_DOWN.format(name=name, limit=MAX_LAST_ROW))
        values = {key: _cell_value(cells[index]) for key, index in wanted.items()}
        for key, value in values.items():
            if isinstance(value, str) and len(value) > MAX_CELL_CHARACTERS:
                raise _reject(
                    CELL_TOO_LONG.format(row=number, column=headers[key], limit=MAX_CELL_CHARACTERS)
                )
        if all(_is_blank(value) for value in values.values()):
            continue
        if len(rows) == MAX_ROWS:
            raise _reject(TOO_MANY_ROWS.format(name=name, limit=MAX_ROWS))
        rows.append(ParsedRow(number=number, cells=values))
    if not rows:
        raise _reject(NO_ROWS.format(name=name))
    return headers, rows


def _cell_value(cell) -> object:
    """A cell as the officer sees it: text (as written, without the mark that kept it from
    being read as a formula), or a number as a Decimal."""
    value = cell.value
    if value is None:
        return None
    if isinstance(value, str):
        return text_from_cell(value)
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # refused as a number, shown back as it is
    if isinstance(value, int | float):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        return str(value)  # a date, say: shown back to the officer as text
    if "%" in (getattr(cell, "number_format", None) or ""):
        number *= 100  # Excel holds 92.5% as 0.925; the officer typed and sees 92.5
    return number


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_values_csv(file, *, name: str | None = None) -> ParsedRows:
    """The rows of a CSV of figures for many services and periods (see docs/imports.md).

    Read strictly: a row that cannot be read exactly as written (a quote never closed, a
    line break where none belongs, the wrong number of cells) is a problem naming the row,
    never rows silently run together. Raises ImportRejected for a file that cannot be read
    as one; problems with single cells are found by `check_rows`."""
    name = _file_name(file, name)
    data = _read_bytes(file, name)
    if data.startswith((ZIP_MAGIC, OLE2_MAGIC)):
        raise _reject(WORKBOOK_NOT_CSV.format(name=name))
    if b"\x00" in data or data.startswith(b"%PDF"):
        raise _reject(NOT_A_CSV.format(name=name))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _reject(NOT_UTF8.format(name=name)) from None
    records = _csv_records(text, name=name)
    if all(_is_blank(cell) for record in records for cell in record):
        raise _reject(FILE_EMPTY.format(name=name))

    found = [cell.strip().lower() for cell in records[0]]
    while found and not found[-1]:
        found.pop()
    if len(found) > MAX_COLUMNS:
        raise _reject(TOO_MANY_COLUMNS.format(name=name, limit=MAX_COLUMNS))
    hint = SEMICOLONS if len(found) == 1 and ";" in found[0] else ""
    positions = _columns(found, {key: key for key in CSV_COLUMNS}, name=name, hint=hint)

    rows, problems = [], []
    for number, record in enumerate(records[1:], start=2):
        if all(_is_blank(cell) for cell in record):
            continue
        problem_found = _csv_row_problem(record, number, expected=len(found))
        if problem_found is None:
            cells = {key: record[index].strip() for key, index in positions.items()}
            problem_found = _csv_cells_problem(cells, number, expected=len(found))
        if problem_found is not None:
            problems.append(problem_found)
        else:
            rows.append(ParsedRow(number=number, cells=cells))
    if not rows and not problems:
        raise _reject(NO_ROWS.format(name=name))
    return ParsedRows(
        kind=ImportKind.CSV,
        name=name,
        columns={key: key for key in CSV_COLUMNS},
        rows=rows,
        problems=problems,
    )


def _csv_records(text: str, *, name: str) -> list[list[str]]:
    """Every record of the file, header first, read strictly and stopping at the limits."""
    records, figures = [], 0
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        row = len(records) + 1  # as Excel numbers it: a quoted line break stays in its row
        try:
            record = next(reader, None)
        except csv.Error as error:
            raise ImportRejected([problem(row, "", _unreadable(str(error), row))]) from None
        if record is None:
            return records
        if row > MAX_LAST_ROW:
            raise _reject(TOO_FAR_DOWN.format(name=name, limit=MAX_LAST_ROW))
        if row > 1 and not all(_is_blank(cell) for cell in record):
            figures += 1
            if figures > MAX_ROWS:
                raise _reject(TOO_MANY_ROWS.format(name=name, limit=MAX_ROWS))
        records.append(record)


def _unreadable(detail: str, row: int) -> str:
    if "unexpected end of data" in detail:
        return UNCLOSED_QUOTE.format(row=row)
    if "expected after" in detail:
        return STRAY_QUOTE.format(row=row)
    if "field larger than field limit" in detail:
        return CSV_CELL_TOO_LONG.format(row=row, limit=MAX_CELL_CHARACTERS)
    return UNREADABLE_ROW.format(row=row, detail=detail)


def _csv_row_problem(record: list[str], number: int, *, expected: int) -> dict | None:
    """A row with more or fewer cells than the header has columns. Cells past the header
    may be empty: Excel writes empty cells for columns that were once formatted."""
    if len(record) < expected:
        message = ROW_TOO_SHORT.format(row=number, count=len(record), expected=expected)
        return problem(number, "", message)
    if any(not _is_blank(cell) for cell in record[expected:]):
        message = ROW_TOO_LONG.format(row=number, count=len(record), expected=expected)
        return problem(number, "", message)
    return None


def _csv_cells_problem(cells: dict[str, str], number: int, *, expected: int) -> dict | None:
    """A cell too long for a spreadsheet, a line break in a cell that never has one, or text
    holding whole rows of the file: each the sign of a double quote not closed."""
    for key, cell in cells.items():
        if len(cell) > MAX_CELL_CHARACTERS:
            message = CELL_TOO_LONG.format(row=number, column=key, limit=MAX_CELL_CHARACTERS)
            return problem(number, key, message)
        if "\n" not in cell and "\r" not in cell:
            continue
        if key not in TEXT_FIELDS:
            return problem(number, key, LINE_BREAK.format(row=number, column=key))
        for line in cell.splitlines()[1:]:
            if line.count(",") >= expected - 1:
                message = SWALLOWED_ROWS.format(row=number, column=key, line=shown_text(line))
                return problem(number, key, message)
    return None


# Checking


class _CellProblem(Exception):
    pass


def _text(raw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, Decimal):
        return format(raw.normalize(), "f")
    return str(raw).strip()


def _number(raw, *, row: int, key: str, column: str) -> Decimal | None:
    """A number cell read by the one strict reading (indicators.entries): text as typed,
    or a spreadsheet's numeric cell."""
    if _is_blank(raw):
        return None
    try:
        return number_from_cell(raw, example=NUMBER_EXAMPLES[key])
    except NumberError as error:
        raise _CellProblem(IN_ROW.format(row=row, column=column, message=error.message)) from None


def _quality(raw, *, row: int, column: str) -> str | None:
    text = _text(raw)
    if not text:
        return None
    quality = QUALITY_BY_TEXT.get(text.lower())
    if quality is None:
        raise _CellProblem(BAD_QUALITY.format(row=row, column=column, text=shown_text(text)))
    return quality


class _Context:
    """Everything the rows are checked against, fetched in a fixed number of queries."""

    def __init__(self, parsed: ParsedRows, by):
        self.parsed = parsed
        self.by = by
        codes = {_text(row.cells.get("indicator_code")) for row in parsed.rows}
        self.indicators = {
            i.code: i for i in Indicator.objects.filter(code__in=codes).select_related("owner")
        }
        if parsed.cycle is not None:
            self.periods = {
                (parsed.cycle.period.kind, parsed.cycle.period.code): parsed.cycle.period
            }
            self.cycles = {parsed.cycle.period_id: parsed.cycle}
        else:
            texts = {_text(row.cells.get("period")) for row in parsed.rows}
            self.periods = {(p.kind, p.code): p for p in Period.objects.filter(code__in=texts)}
            self.cycles = {
                c.period_id: c
                for c in ReportingCycle.objects.filter(
                    period__in=list(self.periods.values())
                ).select_related("period")
            }
        self._due: dict[int, set[int]] = {}
        ids = [i.pk for i in self.indicators.values()]
        self.values = {
            (v.indicator_id, v.period_id): v
            for v in Value.objects.filter(
                indicator_id__in=ids, period_id__in=[p.pk for p in self.periods.values()]
            )
        }
        self.signed_off: dict[int, list[Value]] = defaultdict(list)
        for value in (
            Value.objects.filter(indicator_id__in=ids, state__in=SIGNED_OFF_STATES)
            .select_related("period")
            .order_by("period__starts_on")
        ):
            self.signed_off[value.indicator_id].append(value)

    def due(self, cycle: ReportingCycle) -> set[int]:
        if cycle.pk not in self._due:
            units = {self.parsed.service.pk} if self.parsed.service else None
            self._due[cycle.pk] = set(due_indicators(cycle, units).values_list("pk", flat=True))
        return self._due[cycle.pk]

    def history(self, indicator: Indicator, period: Period) -> list[Decimal]:
        """The signed-off figures before the period, as the return page judges them."""
        earlier = [
            v
            for v in self.signed_off[indicator.pk]
            if v.period.kind == period.kind and v.period.ends_on < period.starts_on
        ]
        return [v.figure for v in earlier[-HISTORY_POINTS:] if v.figure is not None]


def check_rows(parsed: ParsedRows, *, by, progress=None) -> Plan:
    """Check every row against the framework and the return's rules; the Plan of what to
    save, or ImportRejected listing every problem. `progress(rows_checked)` is called every
    few hundred rows."""
    problems = list(parsed.problems)
    if by is None:
        raise _reject(NO_UPLOADER.format(name=parsed.name))
    if parsed.kind == ImportKind.RETURN_WORKBOOK:
        problems += _check_return(parsed, by)
        if problems:
            raise ImportRejected(problems)
    context = _Context(parsed, by)
    planned, notes = [], []
    seen: dict[tuple[int, int], int] = {}
    unreadable = len(parsed.problems)  # rows already found wrong while reading
    for done, row in enumerate(parsed.rows, start=unreadable + 1):
        problems += _check_row(row, context, seen, planned, notes)
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
    if progress is not None:
        progress(unreadable + len(parsed.rows))
    if problems:
        raise ImportRejected(sorted(problems, key=lambda p: p["row"] or 0))
    return Plan(rows=planned, notes=notes)


def _check_return(parsed: ParsedRows, by) -> list[dict]:
    cycle, service = parsed.cycle, parsed.service
    if not can(by, Action.ENTER_VALUE, service):
        return [problem(None, "", NOT_ALLOWED.format(service=service.name))]
    if cycle.state != CycleState.OPEN:
        state = cycle.get_state_display().lower()
        return [problem(None, "", CYCLE_NOT_OPEN.format(period=cycle.period.label, state=state))]
    return []


def _check_row(row: ParsedRow, context: _Context, seen: dict, planned: list, notes: list):
    parsed, cells, number = context.parsed, row.cells, row.number
    column = parsed.columns
    if all(_is_blank(cells.get(key)) for key in CONTENT_KEYS):
        return []  # nothing entered: the figure is left as it is
    problems = []

    def add(key: str, message: str) -> None:
        problems.append(problem(number, column.get(key, ""), message))

    indicator = _indicator(cells, number, context, add)
    cycle = _cycle(indicator, cells, number, context, add)
    if indicator is not None and cycle is not None:
        first = seen.setdefault((indicator.pk, cycle.period_id), number)
        if first != number:
            add(
                "indicator_code",
                DUPLICATE_ROW.format(
                    row=number, first=first, code=indicator.code, period=cycle.period.label
                ),
            )
            return problems

    parts = {}
    for key in NUMBER_KEYS:
        try:
            parts[key] = _number(cells.get(key), row=number, key=key, column=column[key])
        except _CellProblem as error:
            add(key, str(error))
    quality = None
    try:
        quality = _quality(cells.get("data_quality"), row=number, column=column["data_quality"])
    except _CellProblem as error:
        add("data_quality", str(error))
    if indicator is not None and not indicator.numerator_label:
        for key in ("numerator", "denominator"):
            if not _is_blank(cells.get(key)):
                add(key, NO_PARTS.format(row=number, column=column[key], code=indicator.code))
    for key in TEXT_FIELDS:
        length = len(_text(cells.get(key)))
        if length > MAX_TEXT_LENGTH:
            message = TEXT_TOO_LONG.format(what="the text", length=length, limit=MAX_TEXT_LENGTH)
            add(key, IN_ROW.format(row=number, column=column[key], message=message))
    if problems or indicator is None or cycle is None:
        return problems

    period = cycle.period
    key = (indicator.pk, period.pk)
    value = context.values.get(key)
    entries = {
        "figure": parts["figure"],
        "not_available_reason": _text(cells.get("not_available_reason")),
        "data_quality": quality or (value.data_quality if value else DataQuality.FINAL),
        "commentary": _text(cells.get("commentary")),
        "reasons": _text(cells.get("reasons")),
        "actions": _text(cells.get("actions")),
    }
    if indicator.numerator_label:
        entries["numerator"] = parts["numerator"]
        entries["denominator"] = parts["denominator"]
    if value is not None and all(getattr(value, k) == v for k, v in entries.items()):
        return problems  # the same as saved: nothing to change
    if value is not None and value.state not in EDITABLE_STATES:
        state = value.get_state_display().lower()
        message = ALREADY_SUBMITTED.format(title=indicator.title, state=state)
        add("figure", IN_ROW.format(row=number, column=column["figure"], message=message))
        return problems

    checked = check_entry(
        definition=indicator,
        entry=Entry(
            figure=entries["figure"],
            numerator=parts["numerator"],
            denominator=parts["denominator"],
            not_available_reason=entries["not_available_reason"],
            commentary=entries["commentary"],
        ),
        history=context.history(indicator, period),
        status=None,
        submitting=False,  # imports save drafts; submission checks the rest
    )
    for name, message in checked.errors.items():
        name = name if name in column else "figure"
        add(name, IN_ROW.format(row=number, column=column[name], message=message))
    for message in checked.warnings.values():
        notes.append(
            problem(
                number,
                column["figure"],
                IN_ROW.format(row=number, column=column["figure"], message=message),
            )
        )
    if not problems:
        planned.append(
            PlannedRow(
                number=number,
                indicator=indicator,
                cycle=cycle,
                entries=entries,
                expected_version=value.lock_version if value else None,
            )
        )
    return problems


def _indicator(cells, number: int, context: _Context, add) -> Indicator | None:
    parsed, column = context.parsed, context.parsed.columns["indicator_code"]
    code = _text(cells.get("indicator_code"))
    workbook = parsed.kind == ImportKind.RETURN_WORKBOOK
    if not code:
        fix = CODE_FIX_WORKBOOK if workbook else CODE_FIX_CSV
        add("indicator_code", CODE_MISSING.format(row=number, column=column, fix=fix))
        return None
    indicator = context.indicators.get(code)
    if workbook:
        if indicator is None or indicator.pk not in context.due(parsed.cycle):
            add(
                "indicator_code",
                NOT_IN_RETURN.format(
                    row=number,
                    column=column,
                    code=shown_text(code),
                    service=parsed.service.name,
                    period=parsed.cycle.period.label,
                ),
            )
            return None
        return indicator
    if indicator is None:
        add("indicator_code", UNKNOWN_CODE.format(row=number, column=column, code=shown_text(code)))
        return None
    if not can(context.by, Action.ENTER_VALUE, indicator):
        add("indicator_code", NOT_YOURS.format(row=number, column=column, code=shown_text(code)))
        return None
    return indicator


def _cycle(indicator, cells, number: int, context: _Context, add) -> ReportingCycle | None:
    parsed = context.parsed
    if parsed.cycle is not None:
        return parsed.cycle
    column = parsed.columns["period"]
    text = _text(cells.get("period"))
    if not text:
        example = PERIOD_EXAMPLES[PeriodKind.quarter]
        if indicator is not None:
            example = PERIOD_EXAMPLES.get(Frequency(indicator.frequency).period_kind, example)
        add("period", PERIOD_MISSING.format(row=number, column=column, example=example))
        return None
    same_code = [p for (_, code), p in context.periods.items() if code == text]
    if indicator is None:
        if not same_code and not any(_is_code_of(kind, text) for kind in PERIOD_EXAMPLES):
            add("period", UNKNOWN_PERIOD.format(row=number, column=column, text=shown_text(text)))
        return None
    kind = Frequency(indicator.frequency).period_kind
    period = context.periods.get((kind, text))
    if period is None:
        if _is_code_of(kind, text):
            add("period", NO_CYCLE.format(row=number, column=column, period=text))
        elif same_code or any(_is_code_of(other, text) for other in PERIOD_EXAMPLES):
            add(
                "period",
                WRONG_KIND_PERIOD.format(
                    row=number,
                    column=column,
                    code=indicator.code,
                    frequency=indicator.get_frequency_display().lower(),
                    kind=PeriodKind(kind).label.lower(),
                    example=PERIOD_EXAMPLES[kind],
                    text=shown_text(text),
                ),
            )
        else:
            add("period", UNKNOWN_PERIOD.format(row=number, column=column, text=shown_text(text)))
        return None
    cycle = context.cycles.get(period.pk)
    if cycle is None:
        add("period", NO_CYCLE.format(row=number, column=column, period=period.label))
        return None
    if cycle.state != CycleState.OPEN:
        state = cycle.get_state_display().lower()
        add(
            "period",
            ROW_CYCLE_NOT_OPEN.format(row=number, column=column, period=period.label, state=state),
        )
        return None
    if indicator.pk not in context.due(cycle):
        add(
            "indicator_code",
            NOT_DUE.format(
                row=number,
                column=parsed.columns["indicator_code"],
                code=indicator.code,
                period=period.label,
                lifecycle=_why_not_due(indicator, period),
            ),
        )
        return None
    return cycle


def _why_not_due(indicator: Indicator, period: Period) -> str:
    """What the indicator is, for a row it is not collected in: "proposed", "retired after
    Q1 2026/27", "reported from Q3 2026/27"."""
    if indicator.last_period_id and indicator.last_period.ends_on < period.ends_on:
        return f"retired after {indicator.last_period.label}"
    if indicator.first_period_id and indicator.first_period.starts_on > period.starts_on:
        return f"reported from {indicator.first_period.label}"
    return indicator.get_lifecycle_display().lower()


def _is_code_of(kind: str, text: str) -> bool:
    try:
        period_from_code(PeriodKind(kind), text)
    except ValueError:
        return False
    return True


# Applying


def start_import(
    *,
    kind: str,
    upload,
    by,
    cycle: ReportingCycle | None = None,
    service: OrgUnit | None = None,
) -> ImportRun:
    """Keep an uploaded file as a queued import run and queue the task that applies it."""
    from returns.tasks import run_import  # the task module imports this one

    name = _file_name(upload, None)
    check_file_size(getattr(upload, "size", None), name)
    run = ImportRun(
        kind=kind,
        cycle=cycle,
        service=service,
        file=upload,
        original_name=name[:255],
        uploaded_by=by,
        created_at=timezone.now(),
    )
    try:
        with transaction.atomic():  # keeps the file first: on a full disk, no file and no run
            run.save()
    except OSError as error:
        if not is_disk_full(error):
            raise
        logger.error("No space to keep the uploaded import file %s: %s", name, error)
        raise _reject(DISK_FULL.format(name=name)) from None
    # Queued in the request's own transaction: the database backend's worker sees the run
    # and its task together; the immediate backend (tests) runs it here and now.
    run_import.enqueue(run.pk)
    return run


def apply_import(run: ImportRun) -> ImportRun:
    """Check a queued run's file and, only if every row is right, save all its figures as
    drafts in one transaction with the run's outcome. The run records progress, then the
    problems or the outcome. A run is claimed by one worker and applied once
    (`operations.jobs`); a worker stopped part-way has saved nothing, and is recovered."""
    attempt = claim_job(JobKind.IMPORT, run.pk)
    run = ImportRun.objects.select_related("cycle__period", "service", "uploaded_by").get(pk=run.pk)
    if attempt is None:
        return run  # applied, or being applied, by another worker
    try:
        return _apply(run, attempt)
    except JobLost:  # given up for stopped meanwhile, and queued again: this worker saves nothing
        run.refresh_from_db()
        return run


def _apply(run: ImportRun, attempt) -> ImportRun:
    try:
        parsed = _read_run(run)
        _update(run, total_rows=len(parsed.rows) + len(parsed.problems))
        plan = check_rows(
            parsed,
            by=run.uploaded_by,
            progress=lambda done: _update(run, processed_rows=done),
        )
        with transaction.atomic():  # the figures and the run's "imported" together
            hold(attempt)
            save_plan(
                plan,
                parsed,
                by=run.uploaded_by,
                reason=IMPORT_REASON.format(name=run.original_name),
            )
            fields = {"imported_rows": len(plan.rows), "notes": plan.notes}
            return _finish(run, ImportState.DONE, attempt=attempt, **fields)
    except JobLost:
        raise
    except ImportRejected as rejected:
        return _finish(run, ImportState.FAILED, attempt=attempt, problems=rejected.problems)
    except Exception:
        logger.exception("Import run %s failed", run.pk)
        broken = problem(None, "", BROKEN.format(name=run.original_name))
        return _finish(run, ImportState.FAILED, attempt=attempt, problems=[broken])


def _read_run(run: ImportRun) -> ParsedRows:
    name = run.original_name
    with run.file.open("rb") as handle:
        if run.kind == ImportKind.RETURN_WORKBOOK:
            if run.cycle is None or run.service is None:
                raise _reject(RETURN_GONE)
            return read_return_workbook(handle, cycle=run.cycle, service=run.service, name=name)
        return read_values_csv(handle, name=name)


@transaction.atomic
def save_plan(plan: Plan, parsed: ParsedRows, *, by, reason: str) -> None:
    """Save a checked file's rows as drafts, a service's return at a time, in one
    transaction: a refusal of any return (a figure changed meanwhile, a cycle closed)
    rolls back every return already saved, and raises ImportRejected saying why."""
    groups: dict[tuple[int, int], list[PlannedRow]] = defaultdict(list)
    for row in plan.rows:
        groups[row.cycle.pk, row.indicator.owner_id].append(row)
    # A fixed order, so two imports lock the same cycles in the same order.
    for (_, _), rows in sorted(groups.items()):
        cycle, service = rows[0].cycle, rows[0].indicator.owner
        inputs = [
            EntryInput(
                indicator=row.indicator,
                entries=row.entries,
                expected_version=row.expected_version,
                reason=reason,
                imported=True,
            )
            for row in rows
        ]
        try:
            save_return(cycle=cycle, service=service, inputs=inputs, by=by, submit=False)
        except ReturnConflict as conflict:
            row = next(r for r in rows if r.indicator.pk == conflict.indicator.pk)
            column = parsed.columns["indicator_code"]
            message = CONFLICT_ROW.format(
                row=row.number, column=column, code=conflict.indicator.code
            )
            raise ImportRejected([problem(row.number, column, message)]) from None
        except (PermissionDenied, Http404):
            raise _reject(NOT_ALLOWED.format(service=service.name)) from None
        except WorkflowError as error:
            raise _reject(f"{error}. Nothing was imported") from None


def _update(run: ImportRun, **fields) -> None:
    """Save progress at once, whatever transaction the caller is in later."""
    for name, new in fields.items():
        setattr(run, name, new)
    ImportRun.objects.filter(pk=run.pk).update(**fields)


def _finish(run: ImportRun, state: str, *, attempt, **fields) -> ImportRun:
    """Record the run's outcome, if this worker's claim on it still stands (JobLost if not)."""
    fields = {"state": state, "finished_at": timezone.now(), **fields}
    if not finish_job(attempt, **fields):
        raise JobLost(f"Import run {run.pk} was taken back from this worker")
    for name, value in fields.items():
        setattr(run, name, value)
    return run


def imported_returns(run: ImportRun) -> list[tuple[ReportingCycle, OrgUnit]]:
    """The returns a finished import saved figures to, to link back to."""
    if run.state != ImportState.DONE or not run.imported_rows:
        return []
    if run.kind == ImportKind.RETURN_WORKBOOK:
        return [(run.cycle, run.service)] if run.cycle and run.service else []
    pairs = set(
        ValueRevision.objects.filter(
            reason=IMPORT_REASON.format(name=run.original_name),
            changed_by=run.uploaded_by,
            changed_at__gte=run.created_at,
            changed_at__lte=run.finished_at,
        ).values_list("value__period_id", "value__indicator__owner_id")
    )
    cycles = {
        c.period_id: c
        for c in ReportingCycle.objects.filter(period_id__in={p for p, _ in pairs}).select_related(
            "period"
        )
    }
    services = OrgUnit.objects.in_bulk({s for _, s in pairs})
    found = [(cycles[p], services[s]) for p, s in pairs if p in cycles and s in services]
    return sorted(found, key=lambda pair: (pair[0].period.starts_on, pair[1].name))
