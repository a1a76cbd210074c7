"""A report's tables as an Excel workbook: a summary, every indicator, and each appendix table.

Figures are stored as numbers (as shown in the report, with a number format for the
indicator's decimal places and unit), so they can be sorted and summed; anything that is not
a number is text, guarded against being read as a formula.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal, InvalidOperation

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.content import ReportContent, Row, Table
from reports.outputs import Progress, paper, printable
from scorecards.exports import formula_safe
from status.numbers import PLAIN_COUNT_UNITS, format_value

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
DRAFT = Font(bold=True, color="942514")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")

INDICATOR_COLUMNS = (
    ("Section", 28),
    ("Code", 10),
    ("Indicator", 44),
    ("Period", 14),
    ("Figure", 13),
    ("Data quality", 13),
    ("Target", 13),
    ("Status", 11),
    ("Direction of travel", 16),
    ("Compared with", 24),
    ("Comparison figure", 13),
    ("Same period last year", 13),
    ("Variation", 30),
    ("Assurance", 24),
    ("Owner", 28),
    ("Commentary", 60),
    ("Reasons", 45),
    ("Actions", 45),
)


def render_xlsx(content: ReportContent, *, draft: bool, progress: Progress | None = None) -> bytes:
    """The report's tables as an XLSX workbook."""
    step = progress or (lambda percent, words: None)
    content = printable(content)
    book = Workbook()
    book.properties.title = paper.document_title(content)
    book.properties.creator = content.council
    book.properties.language = "en-GB"
    book.properties.subject = f"{content.kind_label} for {content.period_label}"
    step(30, "Writing the summary")
    _summary(book.active, content, draft=draft)
    step(50, "Writing the indicators")
    _indicators(book.create_sheet("Indicators"), content)
    step(80, "Writing the appendices")
    names = {"Summary", "Indicators"}
    for appendix in content.appendices:
        for table in appendix.tables:
            name = _sheet_name(table.caption or appendix.title, names)
            _appendix_table(book.create_sheet(name), appendix.title, table)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def _summary(sheet: Worksheet, content: ReportContent, *, draft: bool) -> None:
    sheet.title = "Summary"
    sheet.column_dimensions["A"].width = 44
    sheet.column_dimensions["B"].width = 60
    for column in "CDEF":
        sheet.column_dimensions[column].width = 14
    if draft:
        sheet.append([paper.DRAFT_MARKER])
        sheet.cell(sheet.max_row, 1).font = DRAFT
    sheet.append([_text(paper.full_title(content))])
    sheet.cell(sheet.max_row, 1).font = TITLE
    sheet.append([])
    facts = [
        ("Council", content.council),
        *paper.header_facts(content),
        ("Venue", content.meeting_venue),
        ("Status", "Draft" if draft else "Approved"),
        ("Figures read on", paper.short_date(content.built_at)),
        ("RAG rule", content.rag_rule),
    ]
    for label, value in facts:
        if value:
            _row(sheet, [label, value], bold_first=True)
    sheet.append([])
    _row(sheet, ["Indicators by status", "Number"], bold=True)
    for _slug, label, count in content.status_counts:
        _row(sheet, [label, count])
    _row(sheet, ["Total", sum(content.statuses.values())], bold_first=True)
    sheet.append([])
    _row(sheet, ["Indicators by direction of travel", "Number"], bold=True)
    for _slug, label, count in content.direction_counts:
        _row(sheet, [label, count])
    sheet.append([])
    headers = ["Indicators needing attention", "Indicator", "Figure", "Target", "Status"]
    _row(sheet, headers, bold=True)
    for found in paper.exception_lists(content):
        if not found.rows:
            _row(sheet, [found.heading, "None"])
        for row in found.rows:
            _row(
                sheet,
                [
                    found.heading,
                    f"{row.code} {row.title}",
                    _figure(row.figure_shown, row) if row.figure_shown else "No figure",
                    _figure(row.target_shown, row) if row.target_shown else "No target",
                    row.rag_label,
                ],
            )
    sheet.append([])
    _row(sheet, ["Timeliness", " ".join(paper.timeliness_lines(content.timeliness))])
    sheet.cell(sheet.max_row, 1).font = BOLD
    sheet.cell(sheet.max_row, 2).alignment = WRAP
    sheet.append([])
    _row(sheet, ["Data quality", paper.data_quality_lead(content)], bold_first=True)
    for row in content.data_quality_rows():
        _row(
            sheet,
            [
                "",
                f"{row.code} {row.title}",
                row.period,
                _figure(row.figure_shown, row),
                row.quality.label,
            ],
        )
    for footnote in paper.quality_footnotes(content.data_qualities):
        _row(sheet, ["", footnote])


def _indicators(sheet: Worksheet, content: ReportContent) -> None:
    sheet.append([_text(f"Indicators: {paper.full_title(content)}")])
    sheet.cell(1, 1).font = TITLE
    _row(sheet, [name for name, _ in INDICATOR_COLUMNS], bold=True)
    for section in content.sections:
        for row in section.rows:
            _row(
                sheet,
                [
                    section.title,
                    row.code,
                    row.title,
                    row.period,
                    _figure(row.figure_shown, row),
                    row.quality.label if row.figure_shown else "",
                    _figure(row.target_shown, row),
                    row.rag_label,
                    row.direction_label,
                    f"{row.comparison_period} ({row.comparison})"
                    if row.comparison_period
                    else row.comparison,
                    _figure(row.comparison_shown, row),
                    _figure(row.last_year_shown, row),
                    row.variation_label,
                    row.assurance_label,
                    row.owner,
                    row.commentary,
                    row.reasons,
                    row.actions,
                ],
            )
    _finish_table(sheet, [width for _, width in INDICATOR_COLUMNS])


def _appendix_table(sheet: Worksheet, title: str, table: Table) -> None:
    sheet.append([_text(f"{title}: {table.caption}" if table.caption else title)])
    sheet.cell(1, 1).font = TITLE
    _row(sheet, list(table.headers), bold=True)
    numeric = set(table.numeric_columns)
    for cells in table.rows:
        values = [
            _shown_number(cell) if column in numeric else cell for column, cell in enumerate(cells)
        ]
        _row(sheet, values)
    widths = [
        min(60, max([12, len(header)] + [len(cells[column]) for cells in table.rows]) + 2)
        for column, header in enumerate(table.headers)
    ]
    _finish_table(sheet, widths)


# Cells


def _row(sheet: Worksheet, values: list, *, bold: bool = False, bold_first: bool = False) -> None:
    """Append a row: text guarded, numbers kept with their number format."""
    cells = []
    for value in values:
        if isinstance(value, tuple):  # (number, format)
            cells.append(value)
        elif isinstance(value, int | float | Decimal):
            cells.append((value, None))
        else:
            cells.append((_text(str(value or "")), None))
    sheet.append([value for value, _ in cells])
    number = sheet.max_row
    for column, (_value, number_format) in enumerate(cells, start=1):
        cell = sheet.cell(number, column)
        cell.alignment = TOP
        if number_format:
            cell.number_format = number_format
        if bold or (bold_first and column == 1):
            cell.font = BOLD


def _finish_table(sheet: Worksheet, widths: list[int]) -> None:
    """Header in row 2 bold and frozen, a filter over the table, widths set, long text wrapped."""
    last = get_column_letter(len(widths))
    sheet.freeze_panes = "A3"
    sheet.auto_filter.ref = f"A2:{last}{max(sheet.max_row, 2)}"
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
        if width >= 40:
            for (cell,) in sheet.iter_rows(min_row=3, min_col=column, max_col=column):
                cell.alignment = WRAP


def _text(value: str) -> str:
    return formula_safe(ILLEGAL_CHARACTERS_RE.sub("", value))


def _figure(shown: str, row: Row):
    """A figure as shown ('7,125 tCO2e') as a number with the same look, if it is one."""
    if not shown:
        return ""
    digits = re.sub(r"[^0-9.\-]", "", shown.replace(row.unit, "", 1) if row.unit else shown)
    try:
        number = Decimal(digits)
    except InvalidOperation:
        return shown
    if format_value(number, row.precision, row.unit) != shown:
        return shown  # a range ("60.0% to 70.0%") or words: keep the text
    return (number, number_format(row.precision, row.unit))


def number_format(precision: int, unit: str) -> str:
    """Excel's number format for figures shown to `precision` places in `unit`."""
    digits = "#,##0" + ("." + "0" * precision if precision > 0 else "")
    if unit == "%":
        return f'{digits}"%"'  # the figure is a percentage already: no scaling by 100
    if unit == "£":
        return f'"£"{digits}'
    if unit and unit.lower() not in PLAIN_COUNT_UNITS:
        return f'{digits}" {unit.replace(chr(34), "")}"'
    return digits


_PLAIN_NUMBER = re.compile(r"^(-?)(£?)(\d{1,3}(?:,\d{3})*|\d+)(?:\.(\d+))?(%?)$")


def _shown_number(text: str):
    """An appendix cell such as '£1,200', '-3.5%' or '12' as a number; other text unchanged."""
    found = _PLAIN_NUMBER.match(text.strip())
    if not found:
        return text
    sign, pound, whole, decimals, percent = found.groups()
    number = Decimal(f"{sign}{whole.replace(',', '')}.{decimals or '0'}")
    unit = "£" if pound else "%" if percent else ""
    return (number, number_format(len(decimals or ""), unit))


def _sheet_name(wanted: str, taken: set[str]) -> str:
    """A sheet name Excel accepts (31 characters, none of []:*?/\\), not already used."""
    base = re.sub(r"[\[\]:*?/\\']", " ", wanted).strip()[:31] or "Appendix"
    name, number = base, 2
    while name.lower() in {t.lower() for t in taken}:
        suffix = f" ({number})"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(name)
    return name
