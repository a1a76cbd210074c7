"""A scorecard's table as CSV or Excel, exactly as filtered on the page."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

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
    "Other councils: quartile",
    "Other councils: rank",
    "Other councils: period",
    "Other councils: group",
    "Other councils: source",
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
                    *_compared(r.compared),
                ]
            )
    return out


def _compared(compared) -> list[str]:
    if compared is None:
        return ["", "", "", "", ""]
    source = f"{compared.source}, {compared.publisher} ({compared.licence})"
    return [compared.quartile_label, compared.rank_label, compared.period, compared.group, source]


# The columns holding figures as shown ("-5.0%", "-£1,200", "-3 days"), which may start with a
# minus sign; every other column is free text.
FIGURE_COLUMNS = frozenset(
    HEADERS.index(h) for h in ("Value", "Target", "Previous value", "Same period last year")
)


# What XML 1.0 cannot hold: control characters but tab, line feed and carriage return, lone
# surrogates, U+FFFE and U+FFFF. Excel and Word files (and the public feed) are XML, and one
# of these in any text would stop the file being made at all. Word's line and page breaks
# (vertical tab, form feed), which come with pasted text, become spaces.
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BREAKS = str.maketrans({"\x0b": " ", "\x0c": " "})


def xml_text(text: str) -> str:
    """`text` as an XML file can hold it: the characters XML 1.0 has no place for left out.
    Strip before guarding with `formula_safe`, or "\\x01=cmd…" would slip past it."""
    return _NOT_IN_XML.sub("", text.translate(_BREAKS))


def formula_safe(text: str) -> str:
    """Free text made safe for a spreadsheet: text starting with these is read as a formula,
    so it gets a leading apostrophe (shown as text, the apostrophe hidden)."""
    if text[:1] not in ("=", "+", "-", "@", "\t", "\r"):
        return text
    return "'" + text


# A figure as shown: a number, then perhaps its unit in plain words ("-5.0%", "-£1,200",
# "-3 days"). A unit holding what a formula needs to call or reach anything (brackets, "|",
# "!", quotes, "=", "+", "@") makes the cell text to guard: "-2 +cmd|' /C calc'!A0" is not a
# figure, whatever it starts with.
SHOWN_FIGURE = re.compile(r"[+-]?£?[0-9][0-9,]*(?:\.[0-9]+)?%?(?: [\w %£$€/.,°²³µ]*)?")


def figure_safe(text: str) -> str:
    """A figure as shown, safe for a spreadsheet: kept as it is when it reads as a number and a
    plain unit, so a negative figure stays a figure; anything else is guarded as free text."""
    return text if SHOWN_FIGURE.fullmatch(text) else formula_safe(text)


def _safe(cell: str, column: int) -> str:
    # Only a figure column may keep a leading sign: free text such as '-1 +HYPERLINK(…)'
    # starts with a number too.
    return figure_safe(cell) if column in FIGURE_COLUMNS else formula_safe(cell)


def _safe_row(row: list[str]) -> list[str]:
    return [_safe(xml_text(cell), column) for column, cell in enumerate(row)]


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
    sheet.append([formula_safe(xml_text(title))])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([formula_safe(xml_text(f"{scorecard.council.name}, {scorecard.period.label}"))])
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


# --- Any register's table (projects, risks, budgets, improvement actions) -----------------------


def safe_cell(value):
    """A register's cell for a spreadsheet: numbers kept as numbers, text made safe."""
    if value is None:
        return ""
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return value
    return formula_safe(xml_text(str(value)))


def table_csv(headers: list[str], lines) -> bytes:
    """A table as CSV that Excel opens correctly (UTF-8 with a byte-order mark)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows([safe_cell(cell) for cell in line] for line in lines)
    return buffer.getvalue().encode("utf-8-sig")


def table_xlsx(headers: list[str], lines, *, sheet_name: str, title: str) -> bytes:
    """A table as an Excel workbook: its title, a blank row, bold headers frozen above the rows."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_name
    sheet.append([safe_cell(title)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append(headers)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for line in lines:
        sheet.append([safe_cell(cell) for cell in line])
    sheet.freeze_panes = "A4"
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()
