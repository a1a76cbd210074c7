"""Importing the finance system's export: all of it as drafts, or nothing with every problem
named by row, column and how to fix it."""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from finance import imports
from finance.imports import ImportRejected, import_forecasts
from finance.models import CostCentre, Forecast, ForecastRevision
from finance.tests.conftest import signed_off
from organisation.tests.factories import OrgUnitFactory
from signoff.models import ReturnState, RevisionAction

pytestmark = pytest.mark.django_db

HEADER = ["Cost centre", "Cost centre name", "Period", "Forecast outturn"]


@pytest.fixture
def centres(council):
    highways = OrgUnitFactory(parent=council.place, name="Highways", code="highways")
    for code, unit in (
        ("C100", council.waste),
        ("C101", council.waste),
        ("C200", council.parks),
        ("C300", council.libraries),
        ("C400", highways),  # no budget line
    ):
        CostCentre.objects.create(code=code, name=f"{unit.name} {code}", unit=unit)


def csv_file(rows, header=HEADER, name="forecasts.csv") -> SimpleUploadedFile:
    lines = [",".join(header)] + [",".join(f'"{cell}"' for cell in row) for row in rows]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode())


def xlsx_file(rows, header=HEADER, name="forecasts.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    return SimpleUploadedFile(name, data.getvalue())


def saved(council) -> dict[tuple[str, str], D]:
    return {
        (f.line.unit.code, f.period.code): f.forecast_outturn
        for f in Forecast.objects.select_related("line__unit", "period")
    }


def messages(rejected: ImportRejected) -> list[tuple]:
    return [(p["row"], p["field"], p["message"]) for p in rejected.value.problems]


def test_a_good_csv_is_summed_per_service_and_saved_as_imported_drafts(council, centres):
    upload = csv_file(
        [
            ["C100", "Collection", "2026-27-Q2", "3,000,000"],
            ["C101", "Disposal", "Q2 2026/27", "1100000.50"],
            ["C200", "Parks", "September 2026", "£990,000"],
            ["C300", "Libraries", "q2 2026/27", "(15,000)"],
        ]
    )
    imported = import_forecasts(upload, by=council.person("performance"))
    assert len(imported) == 3
    assert saved(council) == {
        ("waste", "2026-27-Q2"): D("4100000.50"),
        ("parks", "2026-09"): D("990000"),
        ("libraries", "2026-27-Q2"): D("-15000"),
    }
    assert {f.state for f in Forecast.objects.all()} == {ReturnState.DRAFT}
    revision = ForecastRevision.objects.get(forecast__line__unit__code="waste")
    assert revision.action == RevisionAction.IMPORTED
    assert revision.reason == "Imported from forecasts.csv"


def test_a_good_workbook_is_saved_with_numbers_and_a_month_excel_made_a_date(council, centres):
    upload = xlsx_file(
        [
            ["C100", "Collection", "2026-27-Q2", 3000000],
            ["C101", "Disposal", "Q2 2026/27", 1100000.5],
            ["C200", "Parks", datetime.datetime(2026, 9, 1), 990000],
        ]
    )
    import_forecasts(upload, by=council.person("partner"))
    assert saved(council) == {
        ("waste", "2026-27-Q2"): D("4100000.50"),
        ("parks", "2026-09"): D("990000"),
    }


def test_a_second_import_replaces_the_drafts(council, centres):
    partner = council.person("partner")
    import_forecasts(csv_file([["C100", "", "2026-27-Q2", "4000000"]]), by=partner)
    import_forecasts(csv_file([["C100", "", "2026-27-Q2", "4200000"]]), by=partner)
    assert saved(council) == {("waste", "2026-27-Q2"): D("4200000")}
    actions = ForecastRevision.objects.order_by("number").values_list("action", flat=True)
    assert list(actions) == [RevisionAction.IMPORTED, RevisionAction.IMPORTED]


@pytest.mark.parametrize("make", [csv_file, xlsx_file])
def test_every_bad_row_is_named_and_nothing_is_saved(council, centres, make):
    rows = [
        ["C100", "Good", "2026-27-Q2", "4000000"],
        ["C999", "Unknown", "2026-27-Q2", "100"],
        ["C400", "No budget", "2026-27-Q2", "100"],
        ["C200", "Bad period", "Q5 2026/27", "100"],
        ["C200", "Not a number", "2026-27-Q3", "about a million"],
        ["C200", "Pence", "2026-27-Q4", "100.505"],
        ["C100", "Repeat", "Q2 2026/27", "5"],
        ["C300", "Last year", "2025-26-Q4", "100"],
        ["", "No code", "2026-27-Q2", ""],
    ]
    with pytest.raises(ImportRejected) as rejected:
        import_forecasts(make(rows), by=council.person("performance"))
    assert messages(rejected) == [
        (3, "Cost centre", imports.UNKNOWN_CENTRE.format(row=3, column="Cost centre", code="C999")),
        (
            4,
            "Cost centre",
            imports.NO_BUDGET_LINE.format(
                row=4, column="Cost centre", unit="Highways", code="C400", year="2026/27"
            ),
        ),
        (5, "Period", imports.UNKNOWN_PERIOD.format(row=5, column="Period", text="Q5 2026/27")),
        (
            6,
            "Forecast outturn",
            "Row 6, Forecast outturn: “about a million” is not a number. Enter a number like "
            "1,250,000.50",
        ),
        (
            7,
            "Forecast outturn",
            imports.TOO_PRECISE.format(row=7, column="Forecast outturn", text="100.505"),
        ),
        (
            8,
            "Cost centre",
            imports.DUPLICATE_ROW.format(row=8, first=2, code="C100", period="Q2 2026/27"),
        ),
        (
            9,
            "Cost centre",
            imports.NO_BUDGET_LINE.format(
                row=9, column="Cost centre", unit="Libraries", code="C300", year="2025/26"
            ),
        ),
        (10, "Cost centre", imports.CENTRE_MISSING.format(row=10, column="Cost centre")),
        (10, "Forecast outturn", imports.AMOUNT_MISSING.format(row=10, column="Forecast outturn")),
    ]
    assert not Forecast.objects.exists()


def test_rows_outside_the_importers_scope_are_refused(council, centres):
    upload = csv_file([["C300", "", "2026-27-Q2", "2000000"], ["C100", "", "2026-27-Q2", "1"]])
    with pytest.raises(ImportRejected) as rejected:
        import_forecasts(upload, by=council.person("other_partner"))
    assert messages(rejected) == [
        (
            3,
            "Cost centre",
            imports.NOT_YOURS.format(
                row=3, column="Cost centre", unit="Waste and Recycling", code="C100"
            ),
        )
    ]
    assert not Forecast.objects.exists()


def test_a_signed_off_forecast_is_not_replaced(council, centres):
    signed_off(council, "waste", "2026-27-Q2", "4000000")
    upload = csv_file([["C200", "", "2026-27-Q2", "1000000"], ["C100", "", "2026-27-Q2", "1"]])
    with pytest.raises(ImportRejected) as rejected:
        import_forecasts(upload, by=council.person("partner"))
    assert messages(rejected) == [
        (
            3,
            "Period",
            imports.NOT_EDITABLE_ROW.format(
                row=3,
                column="Period",
                unit="Waste and Recycling",
                period="Q2 2026/27",
                state="signed off",
            ),
        )
    ]
    assert Forecast.objects.count() == 1


def test_a_file_without_the_columns_is_refused_whole(council, centres):
    upload = csv_file([["C100", "2026-27-Q2", "1"]], header=["Code", "Period", "Amount"])
    with pytest.raises(ImportRejected) as rejected:
        import_forecasts(upload, by=council.person("partner"))
    assert messages(rejected) == [
        (
            None,
            "",
            imports.MISSING_COLUMNS.format(
                name="forecasts.csv", columns="“Cost centre” or “Forecast outturn”"
            ),
        )
    ]


def test_an_old_excel_file_and_an_empty_file_are_refused(council, centres):
    old = SimpleUploadedFile("old.xls", imports.OLE2_MAGIC + b"\x00" * 100)
    with pytest.raises(ImportRejected) as rejected:
        import_forecasts(old, by=council.person("partner"))
    assert messages(rejected) == [(None, "", imports.OLD_EXCEL.format(name="old.xls"))]
    with pytest.raises(ImportRejected) as rejected:
        import_forecasts(csv_file([]), by=council.person("partner"))
    assert messages(rejected) == [(None, "", imports.NO_ROWS.format(name="forecasts.csv"))]


def test_a_workbook_declaring_entities_and_text_not_in_utf8_are_refused(council, centres):
    good = xlsx_file([["C100", "", "2026-27-Q2", 1]]).read()
    bombed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(bombed, "w") as target:
        for part in source.infolist():
            content = source.read(part)
            if part.filename == "xl/worksheets/sheet1.xml":
                content = b'<!DOCTYPE lol [<!ENTITY lol "lol">]>' + content
            target.writestr(part, content)
    upload = SimpleUploadedFile("bomb.xlsx", bombed.getvalue())
    with pytest.raises(ImportRejected) as rejected:
        import_forecasts(upload, by=council.person("partner"))
    assert messages(rejected) == [(None, "", imports.NOT_A_WORKBOOK.format(name="bomb.xlsx"))]
    utf16 = SimpleUploadedFile("utf16.csv", "Cost centre,Period\n".encode("utf-16"))
    with pytest.raises(ImportRejected) as rejected:
        import_forecasts(utf16, by=council.person("partner"))
    assert messages(rejected) == [(None, "", imports.NOT_UTF8.format(name="utf16.csv"))]
    assert not Forecast.objects.exists()
