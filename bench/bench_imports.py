"""Time and peak memory of importing the largest workbook and CSV the limits accept, and of
refusing hostile workbooks (a decompression bomb, row bombs, a wide row, a formats bomb).

Prints the figures in docs/imports.md ("Hostile files"); asserts only that each hostile
file is refused (machines differ in speed). Peak memory is what tracemalloc sees: Python's
own allocations, which is where openpyxl's objects live.
"""

import datetime
import io
import time
import tracemalloc
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from indicators.models import CycleState, Indicator, Lifecycle, Period, ReportingCycle, Value
from indicators.periods import ensure_periods
from organisation.models import Role
from organisation.tests.factories import CouncilFactory, OrgUnitFactory, UserFactory
from returns import imports
from returns.models import ImportKind, ImportState
from returns.tests.import_files import (
    RETURN_PART,
    rewritten,
    values_csv,
    with_rows_far_down,
    with_shared_string,
)
from returns.workbooks import ABOUT_SHEET, FORMAT_MARK, HEADERS, RETURN_SHEET, return_workbook

MB = 1024 * 1024
COMMENTARY = (
    "Tonnage rose after the garden waste round restarted in April; contamination fell as the "
    "new bin stickers went out. "
) * 4  # about 500 characters, a long real commentary


def measured(func):
    """(result or refusal, seconds untraced, peak MB traced)."""
    start = time.perf_counter()
    outcome = _outcome(func)
    seconds = time.perf_counter() - start
    tracemalloc.start()
    try:
        _outcome(func)
        peak = tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()
    return outcome, seconds, peak


def _outcome(func):
    try:
        return func()
    except imports.ImportRejected as refused:
        return refused


def line(name: str, size: int, seconds: float, peak: float, outcome) -> str:
    if isinstance(outcome, imports.ImportRejected):
        said = "refused: " + outcome.problems[0]["message"][:70] + "…"
    else:
        said = outcome
    return f"[bench] {name} ({size / 1024:,.0f} KB): {seconds:.2f} s, peak {peak:.0f} MB; {said}"


@pytest.fixture
def big_return(db):
    """A service with as many indicators due in an open quarter as a return may carry
    (`imports.MAX_ROWS`, 10,000)."""
    ensure_periods(first_year=2026, last_year=2026)
    council = CouncilFactory()
    service = OrgUnitFactory(council=council, name="Everything", code="everything")
    period = Period.objects.get(code="2026-27-Q2")
    cycle = ReportingCycle.objects.create(
        period=period,
        state=CycleState.OPEN,
        opens_on=period.ends_on + datetime.timedelta(days=1),
        data_entry_deadline=period.ends_on + datetime.timedelta(days=20),
        signoff_deadline=period.ends_on + datetime.timedelta(days=30),
    )
    Indicator.objects.bulk_create(
        Indicator(
            code=f"BIG-{n:04d}",
            title=f"Indicator {n}",
            definition="A count",
            unit="number",
            precision=0,
            polarity="higher_is_better",
            frequency="quarterly",
            aggregation="snapshot",
            owner=service,
            lifecycle=Lifecycle.APPROVED,
            effective_from=datetime.date(2022, 4, 1),
        )
        for n in range(imports.MAX_ROWS)
    )
    officer = UserFactory(username="officer", roles=[Role.DATA_OWNER], units=[service])
    team = UserFactory(username="perf", roles=[Role.PERFORMANCE_TEAM])
    return council, cycle, service, officer, team


def largest_workbook(cycle, service) -> bytes:
    """The most rows a return may carry, every column filled, long commentary in each: as
    Excel holds it."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(RETURN_SHEET)
    sheet.append(HEADERS)
    for n in range(imports.MAX_ROWS):
        sheet.append(
            [f"BIG-{n:04d}", f"Indicator {n}", "number", "Q1 2026/27", "1,200", "No target",
             "Not started", 1000 + n, None, None, "Provisional", f"{n}: {COMMENTARY}",
             "Garden waste round", "Keep the stickers going", None]
        )  # fmt: skip
    about = book.create_sheet(ABOUT_SHEET)
    for fact in (("format", FORMAT_MARK), ("cycle", cycle.pk), ("service", service.code)):
        about.append(fact)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def start(kind, content, **kwargs):
    run = imports.start_import(kind=kind, upload=SimpleUploadedFile("big", content), **kwargs)
    run.refresh_from_db()
    assert run.state == ImportState.DONE, run.problems[:3]
    Value.objects.all().delete()  # the next measured run imports the same figures afresh
    return f"imported {run.imported_rows:,} figures"


@pytest.mark.django_db
def test_the_largest_accepted_files(big_return):
    _, cycle, service, officer, _ = big_return
    workbook = largest_workbook(cycle, service)
    unpacked = sum(p.file_size for p in zipfile.ZipFile(io.BytesIO(workbook)).infolist())
    rows = [
        {"indicator_code": f"BIG-{n:04d}", "period": "2026-27-Q2", "figure": str(n),
         "data_quality": "Final", "commentary": f"{n}: {COMMENTARY}"}
        for n in range(imports.MAX_ROWS)
    ]  # fmt: skip
    csv = values_csv(rows)
    most = f"{imports.MAX_ROWS:,}"
    lines = [f"\n[bench] largest return workbook: {most} rows, {unpacked / MB:.1f} MB unpacked"]

    def read_workbook():
        parsed = imports.read_return_workbook(
            io.BytesIO(workbook), cycle=cycle, service=service, name="big.xlsx"
        )
        return f"read {len(parsed.rows):,} rows"

    def read_csv():
        return f"read {len(imports.read_values_csv(io.BytesIO(csv), name='big.csv').rows):,} rows"

    def import_workbook():
        return start(ImportKind.RETURN_WORKBOOK, workbook, by=officer, cycle=cycle, service=service)

    for name, content, func in (
        ("read the largest workbook", workbook, read_workbook),
        ("import the largest workbook (read, check, save)", workbook, import_workbook),
        (f"read a {most}-row CSV", csv, read_csv),
    ):
        outcome, seconds, peak = measured(func)
        lines.append(line(name, len(content), seconds, peak, outcome))
    print("\n".join(lines))


def hostile_files(template: bytes) -> dict[str, bytes]:
    def many_rows(_):
        yield b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        yield b"<sheetData>"
        for start in range(1, 1_000_001, 10_000):
            yield b"".join(b'<row r="%d"/>' % n for n in range(start, start + 10_000))
        yield b"</sheetData></worksheet>"

    def laughs(xml):
        entities = b'<!ENTITY l0 "lol">' + b"".join(
            b'<!ENTITY l%d "%s">' % (n, b"&l%d;" % (n - 1) * 10) for n in range(1, 10)
        )
        xml = xml.replace(b"<worksheet", b"<!DOCTYPE worksheet [" + entities + b"]><worksheet")
        return xml.replace(
            b"</sheetData>",
            b'<row r="9"><c r="L9" t="inlineStr"><is><t>&l9;</t></is></c></row></sheetData>',
        )

    def wide_row(xml):
        cells = b"".join(b'<c t="n"><v>%d</v></c>' % ((n * 7919) % 10**6) for n in range(780_000))
        return xml.replace(b"</sheetData>", b'<row r="9">' + cells + b"</row></sheetData>")

    def formats(xml):
        xfs = b"".join(b'<xf numFmtId="%d"/>' % (n % 200) for n in range(300_000))
        return xml.replace(b"</cellXfs>", xfs + b"</cellXfs>")

    return {
        "decompression bomb (one 200 MB string)": with_shared_string(
            template, cell="L2", size=200 * MB
        ),
        "row bomb (2,000,000 rows declared)": with_rows_far_down(template, last_row=2_000_000),
        "row bomb (1,000,000 empty rows)": rewritten(template, {RETURN_PART: many_rows}),
        "billion laughs (entities)": rewritten(template, {RETURN_PART: laughs}),
        "wide row (780,000 cells in one row)": rewritten(template, {RETURN_PART: wide_row}),
        "formats bomb (300,000 cell formats)": rewritten(template, {"xl/styles.xml": formats}),
    }


@pytest.mark.django_db
def test_hostile_workbooks_are_refused_in_bounded_time_and_memory(big_return):
    council, cycle, service, _, _ = big_return
    Indicator.objects.exclude(code__in=["BIG-0000", "BIG-0001"]).delete()
    template = return_workbook(cycle, service, today=cycle.opens_on, council=council)
    lines = ["\n[bench] hostile workbooks, refused before anything is stored"]
    for name, content in hostile_files(template).items():
        outcome, seconds, peak = measured(
            lambda content=content: imports.read_return_workbook(
                io.BytesIO(content), cycle=cycle, service=service, name="hostile.xlsx"
            )
        )
        assert isinstance(outcome, imports.ImportRejected), name
        lines.append(line(name, len(content), seconds, peak, outcome))
    print("\n".join(lines))


def test_the_limits_in_force():
    print(
        f"\n[bench] limits: {imports.MAX_FILE_BYTES // MB} MB uploaded, "
        f"{imports.MAX_UNPACKED_BYTES // MB} MB unpacked, {imports.MAX_COMPRESSION_RATIO}× "
        f"packing, {imports.MAX_ELEMENTS:,} elements, {imports.MAX_ROW_CELLS:,} cells a row, "
        f"{imports.MAX_FORMATS:,} formats, {imports.MAX_ROWS:,} rows of figures, reading to "
        f"row {imports.MAX_LAST_ROW:,}, {imports.MAX_COLUMNS} columns, "
        f"{imports.MAX_CELL_CHARACTERS:,} characters a cell; figures fit "
        f"{Decimal(10) ** 14:,} exclusive"
    )
