"""Building the files officers upload, for the import tests: filled-in return workbooks,
CSVs of figures, and the broken files people really send."""

from __future__ import annotations

import csv
import io
import zipfile

from openpyxl import Workbook, load_workbook

from indicators.models import Value, ValueRevision
from returns.imports import CSV_COLUMNS
from returns.workbooks import ABOUT_SHEET, FORMAT_MARK, HEADERS, RETURN_SHEET


def filled(content: bytes, rows: dict[int, dict[str, object]], *, headers=None) -> bytes:
    """A downloaded workbook with cells of its Return sheet changed, as an officer would:
    `rows` maps a row number to {column header: new value}; `headers` renames columns."""
    book = load_workbook(io.BytesIO(content))
    sheet = book[RETURN_SHEET]
    columns = {cell.value: cell.column for cell in sheet[1]}
    for row, cells in rows.items():
        for header, value in cells.items():
            sheet.cell(row=row, column=columns[header]).value = value
    for old, new in (headers or {}).items():
        sheet.cell(row=1, column=columns[old]).value = new
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def huge_workbook(*, cycle, service, rows: int) -> bytes:
    """A return workbook for the service with `rows` rows, built quickly (write-only)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(RETURN_SHEET)
    sheet.append(HEADERS)
    line = ["WST-01", None, None, None, None, None, None, 45]  # a code and a figure
    for _ in range(rows):
        sheet.append(line)
    about = book.create_sheet(ABOUT_SHEET)
    for fact in (("format", FORMAT_MARK), ("cycle", cycle.pk), ("service", service.code)):
        about.append(fact)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def foreign_workbook() -> bytes:
    """An Excel workbook that did not come from Golden Thread."""
    book = Workbook()
    book.active.append(["Code", "Figure"])
    book.active.append(["WST-01", 45])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_of_text() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "not a spreadsheet")
    return out.getvalue()


PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
OLD_XLS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def values_csv(rows: list[dict], *, columns=CSV_COLUMNS, bom: bool = False) -> bytes:
    """A CSV of figures: one dict per row, keyed by column; missing cells are empty."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode()


def database_state():
    """Every value's tracked fields and the number of revisions: a failed import leaves
    both exactly as they were."""
    values = list(
        Value.objects.order_by("pk").values_list(
            "pk",
            "figure",
            "numerator",
            "denominator",
            "data_quality",
            "commentary",
            "state",
            "lock_version",
        )
    )
    return values, ValueRevision.objects.count()
