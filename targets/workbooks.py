"""A financial year's targets as an Excel workbook: downloaded by the performance team,
agreed with directors offline, uploaded back (docs/targets.md).

Writing goes through `returns.workbooks.safe_text` (no text becomes a formula); reading
through the return workbook's checks of `returns.imports` (size, zip directory, XML elements,
streamed rows), so a targets workbook is bounded exactly as a return workbook is.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from indicators.entries import NumberError, number_from_cell, shown_text
from indicators.models import Frequency, Indicator, Period
from returns import imports as bounds
from returns.workbooks import safe_text, text_from_cell
from status.periods import Aggregation, PeriodKind
from status.rag import Polarity
from targets.models import TargetState, YearTarget
from targets.profiles import PROFILE_LABELS, Profile
from targets.queries import TargetRow
from targets.workflow import Setting, TargetError, has_started, set_targets

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TARGETS_SHEET = "Targets"
INSTRUCTIONS_SHEET = "Instructions"
ABOUT_SHEET = "Golden Thread"
FORMAT_MARK = "golden-thread-targets-workbook"
FORMAT_VERSION = 1
MAX_ROWS = bounds.MAX_ROWS  # indicators; a county has about 1,000

MONTHS = ("Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar")
QUARTERS = ("Q1", "Q2", "Q3", "Q4")
PERIOD_HEADERS = {PeriodKind.month: MONTHS, PeriodKind.quarter: QUARTERS}

NOT_TARGETS_WORKBOOK = (
    "“{name}” is not a targets workbook from Golden Thread. Download the year's targets "
    "workbook and enter the targets in it"
)
WRONG_YEAR = (
    "“{name}” holds the targets for {their_year}, not {year}. Upload it on the {their_year} "
    "targets page, or download this year's workbook and use that"
)
NO_TARGETS_SHEET = "“{name}” has no Targets sheet. Download the year's targets workbook again"
UNKNOWN_CODE = (
    "there is no indicator with the code “{code}” among yours. Do not change the Code column"
)
CODE_MISSING = "the code is missing. Do not change the Code column"
REPEATED_CODE = "{code} is also in row {first}. Keep one of the rows"
BAD_PROFILE = "“{text}” is not a profile. Enter Even, Seasonal or Typed per period"
WRONG_PERIODS = "{code} is collected {frequency}: leave the {kind} columns empty"
IN_ROW = bounds.IN_ROW
UPLOAD_REASON = "Uploaded from {name}"

LOCKED_FILL = PatternFill("solid", fgColor="F3F2F1")
HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
BOLD = Font(bold=True)
UNLOCKED = Protection(locked=False)
WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    is_input: bool = False
    help: str = ""


COLUMNS = (
    Column("code", "Code", 12, help="The indicator's code. Do not change it."),
    Column("title", "Indicator", 40),
    Column("directorate", "Directorate", 20),
    Column("service", "Service", 20),
    Column("unit", "Unit", 8),
    Column("polarity", "Polarity", 16),
    Column("aggregation", "How a year aggregates", 16),
    Column("frequency", "Collected", 11),
    Column(
        "outturn", "Last year's outturn", 12, help="Last year's signed-off figure for the year."
    ),
    Column("current", "Current target", 12, help="The year's target judging figures now."),
    Column("lower_limit", "Lower process limit", 12, help="From the SPC chart of past figures."),
    Column(
        "upper_limit",
        "Upper process limit",
        12,
        help="A target beyond these needs the process to change.",
    ),
    Column("state", "Agreement", 16, help="Draft, awaiting agreement, agreed or returned."),
    Column(
        "annual",
        "Annual target",
        12,
        True,
        "The target for the year, as a number (92.5, not 92.5%).",
    ),
    Column("lower", "Lower end of range", 12, True, "Only for indicators judged against a range."),
    Column("upper", "Upper end of range", 12, True, "Only for indicators judged against a range."),
    Column("profile", "Profile", 16, True, "Even, Seasonal (from past years) or Typed per period."),
    *(
        Column(f"p_{h}", h, 8, True, "A monthly indicator's target, when typed per period.")
        for h in MONTHS
    ),
    *(
        Column(f"p_{h}", h, 8, True, "A quarterly indicator's target, when typed per period.")
        for h in QUARTERS
    ),
    Column(
        "tolerance_percent",
        "Tolerance %",
        11,
        True,
        "The amber band as % of the target (empty: the indicator's).",
    ),
    Column(
        "tolerance_absolute",
        "Tolerance amount",
        11,
        True,
        "The amber band as an amount (overrides %).",
    ),
    Column("rationale", "Rationale", 40, True, "Why this target."),
)
HEADERS = {column.header: column.key for column in COLUMNS}
INPUT_KEYS = tuple(column.key for column in COLUMNS if column.is_input)
NUMBER_KEYS = ("annual", "lower", "upper", "tolerance_percent", "tolerance_absolute")
HEADER_OF = {column.key: column.header for column in COLUMNS}
PROFILE_BY_TEXT = {
    **{p.value: p for p in Profile},
    **{label.lower(): p for p, label in PROFILE_LABELS.items()},
    "typed": Profile.TYPED,
}


def workbook_filename(year: Period) -> str:
    return f"targets-{year.code}.xlsx"


def _number(number: Decimal | None) -> int | float | None:
    if number is None:
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def _put(sheet, *, row: int, column: int, value):
    return sheet.cell(
        row=row, column=column, value=safe_text(value) if isinstance(value, str) else value
    )


def targets_workbook(year: Period, rows: list[TargetRow]) -> bytes:
    """The year's targets of these rows as an .xlsx file, with any proposals filled in."""
    book = Workbook()
    _instructions(book.active, year)
    _targets_sheet(book.create_sheet(TARGETS_SHEET), rows)
    about = book.create_sheet(ABOUT_SHEET)
    for number, (key, fact) in enumerate(
        (("format", FORMAT_MARK), ("version", FORMAT_VERSION), ("year", year.code)), start=1
    ):
        _put(about, row=number, column=1, value=key)
        _put(about, row=number, column=2, value=fact)
    about.sheet_state = "veryHidden"
    about.protection.sheet = True
    # No password: protection stops accidents; every uploaded cell is checked again.
    book.security = WorkbookProtection(lockStructure=True)
    book.active = 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _instructions(sheet, year: Period) -> None:
    sheet.title = INSTRUCTIONS_SHEET
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 90
    lines = [
        (f"Targets for {year.label}", ""),
        ("", ""),
        (
            "What to do",
            "1. Enter each indicator's targets in the white cells of the Targets sheet.",
        ),
        ("", "2. Agree them with the directors, save the file as an Excel Workbook (.xlsx)."),
        ("", "3. On the year's targets page, choose “Upload the targets workbook”."),
        ("", "4. Uploaded targets are drafts: propose them for agreement on the page."),
        (
            "Checks",
            "The whole file is checked first; if any row has a problem nothing is saved, "
            "and every problem is listed by row and column.",
        ),
        ("", "A row whose input cells are all empty leaves that indicator's targets as they are."),
        (
            "Profiles",
            "Even: a count is shared out equally, a year to date rises evenly, a level "
            "(a percentage, an average) is the annual target in every period.",
        ),
        (
            "",
            "Seasonal: shared out as the past years' figures were. Typed per period: enter "
            "every month (Apr–Mar) or quarter (Q1–Q4); the annual target may be left empty.",
        ),
        ("", ""),
        ("Column", "What it holds"),
    ]
    lines += [(c.header, c.help) for c in COLUMNS if c.help and not c.key.startswith("p_")]
    lines += [("Apr … Mar", "A monthly indicator's targets, when typed per period.")]
    lines += [("Q1 … Q4", "A quarterly indicator's targets, when typed per period.")]
    for number, (label, text) in enumerate(lines, start=1):
        _put(sheet, row=number, column=1, value=label or None).font = BOLD
        _put(sheet, row=number, column=2, value=text or None).alignment = WRAP
    sheet["A1"].font = Font(bold=True, size=14)


def _cells(row: TargetRow) -> dict:
    indicator, proposal = row.indicator, row.proposal
    cells = {
        "code": indicator.code,
        "title": indicator.title,
        "directorate": row.directorate.name if row.directorate else "",
        "service": row.service.name,
        "unit": indicator.unit,
        "polarity": Polarity(indicator.polarity).label,
        "aggregation": Aggregation(indicator.aggregation).label,
        "frequency": Frequency(indicator.frequency).label,
        "outturn": _number(row.outturn),
        "current": row.current_shown,
        "lower_limit": _number(row.lower_limit),
        "upper_limit": _number(row.upper_limit),
        "state": TargetState(proposal.state).label if proposal else "Not set",
    }
    if proposal is not None:
        cells |= {
            "annual": _number(proposal.annual),
            "lower": _number(proposal.lower),
            "upper": _number(proposal.upper),
            "profile": PROFILE_LABELS[Profile(proposal.profile)],
            "tolerance_percent": _number(proposal.tolerance_percent),
            "tolerance_absolute": _number(proposal.tolerance_absolute),
            "rationale": proposal.rationale,
        }
        if proposal.profile == Profile.TYPED:
            headers = PERIOD_HEADERS.get(Frequency(indicator.frequency).period_kind, ())
            for header, value in zip(headers, proposal.period_targets.values(), strict=False):
                cells[f"p_{header}"] = _number(Decimal(value))
    return cells


def _targets_sheet(sheet, rows: list[TargetRow]) -> None:
    for index, column in enumerate(COLUMNS, start=1):
        cell = _put(sheet, row=1, column=index, value=column.header)
        cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, WRAP
        sheet.column_dimensions[cell.column_letter].width = column.width
    sheet.freeze_panes = "C2"
    positions = {column.key: index for index, column in enumerate(COLUMNS, start=1)}
    for number, row in enumerate(rows, start=2):
        own_kind = Frequency(row.indicator.frequency).period_kind
        wanted = {f"p_{h}" for h in PERIOD_HEADERS.get(own_kind, ())}
        cells = _cells(row)
        for column in COLUMNS:
            cell = _put(
                sheet, row=number, column=positions[column.key], value=cells.get(column.key)
            )
            is_input = column.is_input and (not column.key.startswith("p_") or column.key in wanted)
            if is_input:
                cell.protection = UNLOCKED
            else:
                cell.fill = LOCKED_FILL
    last = max(len(rows) + 1, 2)
    profiles = DataValidation(
        type="list",
        formula1='"{}"'.format(",".join(PROFILE_LABELS.values())),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Not a profile",
        error="Choose Even, Seasonal or Typed per period.",
    )
    letter = sheet.cell(row=1, column=positions["profile"]).column_letter
    profiles.add(f"{letter}2:{letter}{last}")
    sheet.add_data_validation(profiles)
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


# --- Reading it back -------------------------------------------------------------------------


@dataclass
class ReadRow:
    number: int
    cells: dict


def read_targets_workbook(file, *, year: Period, name: str | None = None) -> list[ReadRow]:
    """The rows of a targets workbook for `year`, through the return workbook's bounds.

    Raises `returns.imports.ImportRejected` for a file that cannot be read as one."""
    name = bounds._file_name(file, name)
    data = bounds._read_bytes(file, name)
    if data.startswith(bounds.OLE2_MAGIC):
        raise bounds._reject(bounds.OLD_EXCEL.format(name=name))
    if not data.startswith(bounds.ZIP_MAGIC):
        raise bounds._reject(bounds.NOT_A_WORKBOOK.format(name=name))
    bounds._check_unpacked(data, name)
    bounds._count_elements(data, name)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error for a broken or foreign zip
        raise bounds._reject(bounds.NOT_A_WORKBOOK.format(name=name)) from None
    try:
        _check_year(book, name=name, year=year)
        if TARGETS_SHEET not in book.sheetnames:
            raise bounds._reject(NO_TARGETS_SHEET.format(name=name))
        return _read_sheet(book[TARGETS_SHEET], name=name)
    except bounds.ImportRejected:
        raise
    except Exception:  # a damaged sheet inside a valid zip
        raise bounds._reject(bounds.NOT_A_WORKBOOK.format(name=name)) from None
    finally:
        book.close()


def _check_year(book, *, name: str, year: Period) -> None:
    if ABOUT_SHEET not in book.sheetnames:
        raise bounds._reject(NOT_TARGETS_WORKBOOK.format(name=name))
    about = book[ABOUT_SHEET]
    about.reset_dimensions()
    facts = {
        str(key): text_from_cell(fact) if isinstance(fact, str) else fact
        for key, fact in about.iter_rows(max_row=bounds.ABOUT_ROWS, max_col=2, values_only=True)
        if key
    }
    if facts.get("format") != FORMAT_MARK:
        raise bounds._reject(NOT_TARGETS_WORKBOOK.format(name=name))
    if str(facts.get("year")) != year.code:
        their = Period.objects.filter(
            kind=PeriodKind.financial_year, code=str(facts.get("year"))
        ).first()
        their_year = their.label if their else shown_text(str(facts.get("year")))
        raise bounds._reject(WRONG_YEAR.format(name=name, their_year=their_year, year=year.label))


def _read_sheet(sheet, *, name: str) -> list[ReadRow]:
    """The Targets sheet's rows, streamed, stopping at the first limit crossed."""
    sheet.reset_dimensions()
    header = next(
        sheet.iter_rows(min_row=1, max_row=1, max_col=bounds.MAX_COLUMNS + 1, values_only=True), ()
    )
    found = [text_from_cell(str(c)).strip() if c is not None else "" for c in header]
    while found and not found[-1]:
        found.pop()
    if len(found) > bounds.MAX_COLUMNS:
        raise bounds._reject(bounds.TOO_MANY_COLUMNS.format(name=name, limit=bounds.MAX_COLUMNS))
    positions = bounds._columns(found, HEADERS, name=name)
    wanted = {key: positions[key] for key in ("code", *INPUT_KEYS)}
    width = max(wanted.values()) + 1
    rows = []
    for number, cells in enumerate(sheet.iter_rows(min_row=2, max_col=width), start=2):
        if number > bounds.MAX_LAST_ROW:
            raise bounds._reject(bounds.TOO_FAR_DOWN.format(name=name, limit=bounds.MAX_LAST_ROW))
        values = {
            key: bounds._cell_value(cells[index]) if index < len(cells) else None
            for key, index in wanted.items()
        }
        for key, value in values.items():
            if isinstance(value, str) and len(value) > bounds.MAX_CELL_CHARACTERS:
                raise bounds._reject(
                    bounds.CELL_TOO_LONG.format(
                        row=number, column=HEADER_OF[key], limit=bounds.MAX_CELL_CHARACTERS
                    )
                )
        if all(bounds._is_blank(value) for value in values.values()):
            continue
        if len(rows) == MAX_ROWS:
            raise bounds._reject(bounds.TOO_MANY_ROWS.format(name=name, limit=MAX_ROWS))
        rows.append(ReadRow(number=number, cells=values))
    if not rows:
        raise bounds._reject(bounds.NO_ROWS.format(name=name))
    return rows


def settings_from_rows(
    rows: list[ReadRow], indicators: dict[str, Indicator]
) -> tuple[list[Setting], dict[int, int], list[dict]]:
    """Each row with something entered as a `Setting` of one of `indicators` (by code), the
    row number of each indicator, and the problems found, by row and column."""
    problems, settings, row_of = [], [], {}

    def add(row: int, key: str, message: str) -> None:
        problems.append(
            bounds.problem(
                row,
                HEADER_OF.get(key, key),
                IN_ROW.format(row=row, column=HEADER_OF.get(key, key), message=message),
            )
        )

    for row in rows:
        cells = row.cells
        code = bounds._text(cells.get("code"))
        if not code:
            add(row.number, "code", CODE_MISSING)
            continue
        indicator = indicators.get(code)
        if indicator is None:
            add(row.number, "code", UNKNOWN_CODE.format(code=shown_text(code)))
            continue
        if indicator.pk in row_of:
            add(row.number, "code", REPEATED_CODE.format(code=code, first=row_of[indicator.pk]))
            continue
        row_of[indicator.pk] = row.number
        if all(bounds._is_blank(cells.get(key)) for key in INPUT_KEYS):
            continue  # nothing entered: left as it is
        numbers, ok = {}, True
        for key in NUMBER_KEYS:
            raw = cells.get(key)
            if bounds._is_blank(raw):
                numbers[key] = None
                continue
            try:
                numbers[key] = number_from_cell(raw)
            except NumberError as error:
                add(row.number, key, error.message)
                ok = False
        own_kind = Frequency(indicator.frequency).period_kind
        typed = []
        for kind, headers in PERIOD_HEADERS.items():
            filled = [h for h in headers if not bounds._is_blank(cells.get(f"p_{h}"))]
            if kind != own_kind:
                if filled:
                    add(
                        row.number,
                        f"p_{filled[0]}",
                        WRONG_PERIODS.format(
                            code=code,
                            frequency=Frequency(indicator.frequency).label.lower(),
                            kind=PeriodKind(kind).label.lower(),
                        ),
                    )
                    ok = False
                continue
            for header in headers if filled else ():
                raw = cells.get(f"p_{header}")
                if bounds._is_blank(raw):
                    continue  # a missing period is named by the workflow, with the others
                try:
                    typed.append(number_from_cell(raw))
                except NumberError as error:
                    add(row.number, f"p_{header}", error.message)
                    ok = False
        profile_text = bounds._text(cells.get("profile")).lower()
        if not profile_text:
            profile = Profile.TYPED if typed else Profile.EVEN
        elif profile_text in PROFILE_BY_TEXT:
            profile = PROFILE_BY_TEXT[profile_text]
        else:
            add(row.number, "profile", BAD_PROFILE.format(text=shown_text(profile_text)))
            ok = False
            profile = Profile.EVEN
        if ok:
            settings.append(
                Setting(
                    indicator=indicator,
                    annual=numbers["annual"],
                    lower=numbers["lower"],
                    upper=numbers["upper"],
                    profile=profile,
                    typed=tuple(typed),
                    tolerance_percent=numbers["tolerance_percent"],
                    tolerance_absolute=numbers["tolerance_absolute"],
                    rationale=bounds._text(cells.get("rationale")),
                )
            )
    return settings, row_of, problems


FIELD_COLUMNS = {
    "annual": "annual",
    "lower": "lower",
    "upper": "upper",
    "profile": "profile",
    "tolerance_percent": "tolerance_percent",
    "tolerance_absolute": "tolerance_absolute",
    "rationale": "rationale",
    "": "code",
}


def problems_by_row(error: TargetError, row_of: dict[int, int], codes: dict[str, Indicator]):
    """The workflow's problems ("<code>:<field>") named by row and column of the file."""
    found = []
    for key, message in error.problems.items():
        code, _, field_name = key.partition(":")
        indicator = codes.get(code)
        if indicator is None or indicator.pk not in row_of:
            found.append(bounds.problem(None, "", message))
            continue
        if field_name == "typed":
            headers = PERIOD_HEADERS.get(Frequency(indicator.frequency).period_kind, ("",))
            column = f"{headers[0]} to {headers[-1]}"
        else:
            column = HEADER_OF[FIELD_COLUMNS.get(field_name, "code")]
        row = row_of[indicator.pk]
        found.append(
            bounds.problem(row, column, IN_ROW.format(row=row, column=column, message=message))
        )
    return found


def upload_targets(
    file, *, year: Period, indicators: list[Indicator], by, reason: str = "", name=None
) -> list[YearTarget]:
    """Check a whole targets workbook, then set every row's targets as drafts in one
    transaction, or nothing: raises `returns.imports.ImportRejected` naming every problem."""
    name = bounds._file_name(file, name)
    rows = read_targets_workbook(file, year=year, name=name)
    codes = {indicator.code: indicator for indicator in indicators}
    settings, row_of, problems = settings_from_rows(rows, codes)
    if problems:
        raise bounds.ImportRejected(problems)
    why = reason.strip() or ("" if has_started(year) else UPLOAD_REASON.format(name=name))
    try:
        return set_targets(year=year, settings=settings, by=by, reason=why)
    except TargetError as error:
        raise bounds.ImportRejected(problems_by_row(error, row_of, codes)) from None
