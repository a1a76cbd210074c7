"""Building the files officers upload, for the import tests: filled-in return workbooks,
CSVs of figures, and the broken files people really send."""

from __future__ import annotations

import csv
import io
import re
import zipfile

from openpyxl import Workbook, load_workbook

from indicators.models import Value, ValueRevision
from returns.imports import CSV_COLUMNS
from returns.workbooks import ABOUT_SHEET, FORMAT_MARK, HEADERS, RETURN_SHEET


def filled(
    content: bytes, rows: dict[int, dict[str, object]], *, headers=None, about=None
) -> bytes:
    """A downloaded workbook with cells of its Return sheet changed, as an officer would:
    `rows` maps a row number to {column header: new value}; `headers` renames columns;
    `about` changes what the hidden sheet says of the file ({fact: new value})."""
    book = load_workbook(io.BytesIO(content))
    sheet = book[RETURN_SHEET]
    columns = {cell.value: cell.column for cell in sheet[1]}
    for row, cells in rows.items():
        for header, value in cells.items():
            sheet.cell(row=row, column=columns[header]).value = value
    for old, new in (headers or {}).items():
        sheet.cell(row=1, column=columns[old]).value = new
    for key_cell, fact_cell in book[ABOUT_SHEET].iter_rows(max_col=2):
        if key_cell.value in (about or {}):
            fact_cell.value = about[key_cell.value]
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


# Hostile workbooks, built by hand in memory: small files that unpack or stream to far more.

RETURN_PART = "xl/worksheets/sheet2.xml"  # the Return sheet of a downloaded workbook
CHUNK = 1024 * 1024


def rewritten(content: bytes, parts: dict) -> bytes:
    """The workbook with some parts replaced: `parts` maps a part's name to a function that
    takes the part's bytes and returns the new bytes, or an iterable of chunks (streamed,
    so a part of hundreds of megabytes never sits in memory here). A new name adds a part."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        names = source.namelist() + [name for name in parts if name not in source.namelist()]
        for name in names:
            old = source.read(name) if name in source.namelist() else b""
            new = parts[name](old) if name in parts else old
            with archive.open(name, "w", force_zip64=True) as part:
                for chunk in [new] if isinstance(new, bytes) else new:
                    part.write(chunk)
    return out.getvalue()


def _repeated(byte: bytes, size: int):
    for start in range(0, size, CHUNK):
        yield byte * min(CHUNK, size - start)


def with_shared_string(content: bytes, *, cell: str, size: int) -> bytes:
    """The workbook with the Return sheet's `cell` (like "L2") holding one shared string of
    `size` characters, as Excel stores text: a few hundred kilobytes for 200 MB of text."""

    def sheet(xml: bytes) -> bytes:
        row = cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        xml = re.sub(rf'<c r="{cell}"[^>]*?(/>|>.*?</c>)'.encode(), b"", xml)
        ref = f'<c r="{cell}" t="s"><v>0</v></c>'.encode()
        opening = f'<row r="{row}"'.encode()
        at = xml.index(b">", xml.index(opening)) + 1
        return xml[:at] + ref + xml[at:]

    def strings(_):
        yield b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        yield b'count="1" uniqueCount="1"><si><t>'
        yield from _repeated(b"x", size)
        yield b"</t></si></sst>"

    def content_types(xml: bytes) -> bytes:
        override = (
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        )
        return xml.replace(b"</Types>", override + b"</Types>")

    return rewritten(
        content,
        {
            RETURN_PART: sheet,
            "xl/sharedStrings.xml": strings,
            "[Content_Types].xml": content_types,
        },
    )


def with_part(content: bytes, name: str, size: int, byte: bytes = b" ") -> bytes:
    """The workbook with an extra part of `size` bytes of one byte: packs to almost nothing."""
    return rewritten(content, {name: lambda _: _repeated(byte, size)})


def with_rows_far_down(content: bytes, *, last_row: int, last_column: str = "O") -> bytes:
    """The Return sheet declaring `last_row` rows (and columns to `last_column`), with a
    figure for WST-02 in its last row: what a 2,000,000-row sheet looks like, in bytes."""

    def sheet(xml: bytes) -> bytes:
        start = xml.index(b"<dimension ref=")
        end = xml.index(b"/>", start) + 2
        xml = xml[:start] + f'<dimension ref="A1:{last_column}{last_row}"/>'.encode() + xml[end:]
        row = (
            f'<row r="{last_row}"><c r="A{last_row}" t="inlineStr"><is><t>WST-02</t></is></c>'
            f'<c r="H{last_row}"><v>45</v></c></row>'
        ).encode()
        return xml.replace(b"</sheetData>", row + b"</sheetData>")

    return rewritten(content, {RETURN_PART: sheet})


def with_wide_header(content: bytes, *, columns: int) -> bytes:
    """The Return sheet's header row with a heading in each of `columns` columns."""
    from openpyxl.utils import get_column_letter

    def sheet(xml: bytes) -> bytes:
        cells = "".join(
            f'<c r="{get_column_letter(n)}1" t="inlineStr"><is><t>Note {n}</t></is></c>'
            for n in range(16, columns + 1)
        ).encode()
        end = xml.index(b"</row>")
        return xml[:end] + cells + xml[end:]

    return rewritten(content, {RETURN_PART: sheet})
