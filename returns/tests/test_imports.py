"""Importing figures from a file: all of it, or none of it, with every problem named by row.

Each rejected file is checked for its exact message and for a database left exactly as it
was. Files go in through `start_import`, as the upload pages send them; the tasks run at once.
"""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators.definitions import retire_indicator
from indicators.models import (
    CycleState,
    Frequency,
    Lifecycle,
    Period,
    RevisionAction,
    Value,
    ValueRevision,
    ValueState,
)
from indicators.tests.factories import IndicatorFactory, ReportingCycleFactory
from indicators.workflow import record_value, submit_value
from organisation.models import Role
from organisation.tests.factories import UserFactory
from returns import imports, validation
from returns.imports import (
    MAX_ROWS,
    ImportRejected,
    apply_import,
    check_rows,
    imported_returns,
    read_return_workbook,
    read_values_csv,
    save_plan,
    start_import,
)
from returns.models import ImportKind, ImportState
from returns.tests.import_files import (
    OLD_XLS,
    PDF,
    database_state,
    filled,
    foreign_workbook,
    huge_workbook,
    values_csv,
    zip_of_text,
)
from returns.workbooks import HEADERS, return_workbook

pytestmark = pytest.mark.django_db

WASTE_FILE = "return-Q2-2026-27-waste-and-recycling.xlsx"


@pytest.fixture
def template(council, today, cycle, waste, recycling, missed_bins):
    """The Waste return as downloaded: row 2 is WST-01 (%, with numerator and denominator),
    row 3 WST-02 (a number, without)."""
    return return_workbook(cycle, waste, today=today, council=council)


@pytest.fixture
def performance_team(council):
    return UserFactory(username="perf", first_name="Priya", roles=[Role.PERFORMANCE_TEAM])


@pytest.fixture
def green_flags(parks):
    return IndicatorFactory(code="PRK-01", title="Parks with a Green Flag", owner=parks)


@pytest.fixture
def park_visits(parks):
    """A monthly count, collected in the open September 2026 cycle."""
    ReportingCycleFactory(
        period=Period.objects.get(kind="month", code="2026-09"), state=CycleState.OPEN
    )
    return IndicatorFactory(
        code="PRK-02",
        title="Park visits",
        owner=parks,
        unit="number",
        precision=0,
        frequency=Frequency.MONTHLY,
    )


def upload_workbook(content, *, by, cycle, service, name=WASTE_FILE):
    run = start_import(
        kind=ImportKind.RETURN_WORKBOOK,
        upload=SimpleUploadedFile(name, content),
        by=by,
        cycle=cycle,
        service=service,
    )
    run.refresh_from_db()
    return run


def upload_csv(content, *, by, name="figures.csv"):
    run = start_import(kind=ImportKind.CSV, upload=SimpleUploadedFile(name, content), by=by)
    run.refresh_from_db()
    return run


def messages(run) -> list[str]:
    return [p["message"] for p in run.problems]


def rejected(run) -> list[str]:
    """The messages of a rejected run, checking it was rejected whole."""
    assert run.state == ImportState.FAILED
    assert run.imported_rows == 0
    assert run.finished_at is not None
    return messages(run)


# A filled-in workbook


def test_a_filled_in_workbook_is_saved_as_drafts_with_the_file_named_in_the_history(
    template, officer, cycle, waste, recycling, missed_bins
):
    content = filled(
        template,
        {
            2: {
                "Figure": 48.5,
                "Numerator": 97,
                "Denominator": 200,
                "Data quality": "Provisional",
                "Commentary": "Up on last quarter",
                "Why": "Garden waste",
                "Actions": "Keep going",
            },
            3: {"Figure": 12},
        },
    )

    run = upload_workbook(content, by=officer, cycle=cycle, service=waste)

    assert run.state == ImportState.DONE, run.problems
    assert (run.imported_rows, run.total_rows, run.processed_rows) == (2, 2, 2)
    assert run.problems == []
    recycled = Value.objects.get(indicator=recycling, period=cycle.period)
    assert recycled.state == ValueState.DRAFT
    assert (recycled.figure, recycled.numerator, recycled.denominator) == (
        Decimal("48.5"),
        Decimal("97"),
        Decimal("200"),
    )
    assert recycled.data_quality == "provisional"
    assert (recycled.commentary, recycled.reasons, recycled.actions) == (
        "Up on last quarter",
        "Garden waste",
        "Keep going",
    )
    assert Value.objects.get(indicator=missed_bins, period=cycle.period).figure == 12
    revision = recycled.revisions.get()
    assert revision.action == RevisionAction.IMPORTED
    assert revision.reason == f"Imported from {WASTE_FILE}"
    assert revision.changed_by == officer
    assert imported_returns(run) == [(cycle, waste)]


def test_an_edited_draft_is_updated_and_empty_rows_are_left_as_they_are(
    template, officer, cycle, waste, recycling, missed_bins
):
    draft = record_value(
        indicator=missed_bins, period=cycle.period, entries={"figure": Decimal("9")}, by=officer
    )
    template = return_workbook(cycle, waste, today=cycle.opens_on, council=waste.council)
    content = filled(template, {3: {"Figure": 11, "Commentary": "A wet week"}})

    run = upload_workbook(content, by=officer, cycle=cycle, service=waste)

    assert run.state == ImportState.DONE, run.problems
    assert run.imported_rows == 1
    draft.refresh_from_db()
    assert (draft.figure, draft.commentary, draft.lock_version) == (11, "A wet week", 2)
    assert draft.revisions.last().action == RevisionAction.IMPORTED
    assert not Value.objects.filter(indicator=recycling).filter(period=cycle.period).exists()


def test_uploading_the_unchanged_workbook_changes_nothing(template, officer, cycle, waste):
    before = database_state()

    run = upload_workbook(template, by=officer, cycle=cycle, service=waste)

    assert run.state == ImportState.DONE
    assert run.imported_rows == 0
    assert database_state() == before


def test_an_unusual_figure_is_imported_with_a_note_to_check_it(template, officer, cycle, waste):
    run = upload_workbook(
        filled(template, {2: {"Figure": 90}}), by=officer, cycle=cycle, service=waste
    )

    assert run.state == ImportState.DONE
    assert [note["message"] for note in run.notes] == [
        "Row 2, Figure: "
        + validation.UNUSUAL_FIGURE.format(
            title="Household waste recycled", figure="90.0%", low="41.3%", high="49.3%"
        )
    ]
    assert run.notes[0]["row"] == 2


# Broken workbooks: each gives its message and changes nothing


@pytest.fixture
def unchanged(template, officer, cycle, missed_bins):
    """A draft already saved, so 'nothing changed' covers an existing figure too."""
    record_value(
        indicator=missed_bins, period=cycle.period, entries={"figure": Decimal("9")}, by=officer
    )
    before = database_state()
    yield
    assert database_state() == before


def test_wrong_columns_are_named_with_the_expected_ones(unchanged, template, officer, cycle, waste):
    content = filled(template, {2: {"Figure": 45}}, headers={"Figure": "Value", "Why": ""})

    run = upload_workbook(content, by=officer, cycle=cycle, service=waste)

    assert rejected(run) == [
        f"“{WASTE_FILE}” does not have the expected columns. Missing: Figure, Why. "
        f"Not expected: Value. The columns must be: {', '.join(HEADERS)}"
    ]


def test_bad_numbers_are_listed_row_by_row(unchanged, template, officer, cycle, waste):
    content = filled(
        template,
        {2: {"Figure": "12,5a", "Numerator": "lots", "Denominator": 200}, 3: {"Figure": "7 bins"}},
    )

    run = upload_workbook(content, by=officer, cycle=cycle, service=waste)

    assert rejected(run) == [
        "Row 2, Figure: “12,5a” is not a number. Enter a number like 92.5",
        "Row 2, Numerator: “lots” is not a number. Enter a number like 1250",
        "Row 3, Figure: “7 bins” is not a number. Enter a number like 92.5",
    ]
    assert [(p["row"], p["field"]) for p in run.problems] == [
        (2, "Figure"),
        (2, "Numerator"),
        (3, "Figure"),
    ]


def test_a_changed_or_missing_code_is_rejected(unchanged, template, officer, cycle, waste):
    content = filled(
        template, {2: {"Code": "WST-99", "Figure": 45}, 3: {"Code": None, "Figure": 10}}
    )

    run = upload_workbook(content, by=officer, cycle=cycle, service=waste)

    assert rejected(run) == [
        "Row 2, Code: “WST-99” is not in Waste and Recycling's return for Q2 2026/27. Do not "
        "change the Code column: download the return again for a fresh copy",
        "Row 3, Code: the indicator code is missing. Do not change the Code column: download "
        "the return again for a fresh copy",
    ]


def test_an_indicator_of_another_service_is_not_in_this_return(
    unchanged, template, officer, cycle, waste, green_flags
):
    content = filled(template, {2: {"Code": "PRK-01", "Figure": 45}})

    run = upload_workbook(content, by=officer, cycle=cycle, service=waste)

    assert rejected(run) == [
        "Row 2, Code: “PRK-01” is not in Waste and Recycling's return for Q2 2026/27. Do not "
        "change the Code column: download the return again for a fresh copy"
    ]


def test_duplicate_rows_name_both_rows(unchanged, template, officer, cycle, waste):
    content = filled(template, {2: {"Figure": 45}, 3: {"Code": "WST-01", "Figure": 46}})

    run = upload_workbook(content, by=officer, cycle=cycle, service=waste)

    assert rejected(run) == [
        "Row 3 repeats row 2: both are for WST-01 in Q2 2026/27. Keep one of them"
    ]


def test_a_duplicate_of_a_row_with_a_problem_is_still_named(
    unchanged, template, officer, cycle, waste
):
    content = filled(template, {2: {"Figure": "4x"}, 3: {"Code": "WST-01", "Figure": 46}})

    run = upload_workbook(content, by=officer, cycle=cycle, service=waste)

    assert rejected(run) == [
        "Row 2, Figure: “4x” is not a number. Enter a number like 92.5",
        "Row 3 repeats row 2: both are for WST-01 in Q2 2026/27. Keep one of them",
    ]


def test_figures_are_judged_as_on_the_return_page(unchanged, template, officer, cycle, waste):
    title = "Household waste recycled"
    over = filled(template, {2: {"Figure": 120}})
    parts = filled(template, {2: {"Figure": 45, "Numerator": 250, "Denominator": 200}})
    mismatch = filled(template, {2: {"Figure": 45, "Numerator": 50, "Denominator": 200}})
    no_parts = filled(template, {3: {"Figure": 4, "Numerator": 1}})

    assert rejected(upload_workbook(over, by=officer, cycle=cycle, service=waste)) == [
        "Row 2, Figure: " + validation.PERCENT_RANGE.format(title=title)
    ]
    assert rejected(upload_workbook(parts, by=officer, cycle=cycle, service=waste)) == [
        "Row 2, Numerator: "
        + validation.NUMERATOR_OVER_DENOMINATOR.format(
            title=title, numerator="250", denominator="200"
        )
    ]
    assert rejected(upload_workbook(mismatch, by=officer, cycle=cycle, service=waste)) == [
        "Row 2, Figure: "
        + validation.FIGURE_MISMATCH.format(title=title, figure="45.0%", expected="25.0%")
    ]
    assert rejected(upload_workbook(no_parts, by=officer, cycle=cycle, service=waste)) == [
        "Row 3, Numerator: WST-02 has no numerator or denominator. Leave Numerator empty"
    ]


def test_a_data_quality_outside_the_list_is_rejected(unchanged, template, officer, cycle, waste):
    content = filled(template, {2: {"Figure": 45, "Data quality": "Guessed"}})

    run = upload_workbook(content, by=officer, cycle=cycle, service=waste)

    assert rejected(run) == [
        "Row 2, Data quality: “Guessed” is not a data quality. Enter Final, Provisional or "
        "Estimated"
    ]


def test_a_submitted_figure_cannot_be_overwritten(
    template, officer, cycle, waste, recycling, missed_bins
):
    bins = record_value(
        indicator=missed_bins, period=cycle.period, entries={"figure": Decimal("9")}, by=officer
    )
    submit_value(value=bins, by=officer)
    before = database_state()
    content = filled(template, {2: {"Figure": 45}, 3: {"Figure": 15}})

    run = upload_workbook(content, by=officer, cycle=cycle, service=waste)

    assert rejected(run) == [
        "Row 3, Figure: Missed bins per 100,000 collections: this figure is submitted, so it "
        "cannot be changed here. Ask the approver to return it if it is wrong"
    ]
    assert database_state() == before


def test_too_many_rows_are_refused_before_any_is_checked(unchanged, officer, cycle, waste):
    content = huge_workbook(cycle=cycle, service=waste, rows=MAX_ROWS + 1)

    run = upload_workbook(content, by=officer, cycle=cycle, service=waste)

    assert rejected(run) == [
        "The file has 5,001 rows; the limit is 5,000. Split it into smaller files"
    ]
    assert run.processed_rows == 0


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(unchanged, cycle, waste):
    too_big = BytesIO(b"PK\x03\x04" + b"\x00" * (6 * 1024 * 1024 - 4))

    with pytest.raises(ImportRejected) as error:
        read_return_workbook(too_big, cycle=cycle, service=waste, name="big.xlsx")

    assert messages(error.value) == [
        "“big.xlsx” is 6 MB; the limit is 5 MB. Split it into smaller files"
    ]


def messages_of_rejected(content, name, *, officer, cycle, waste):
    return rejected(upload_workbook(content, by=officer, cycle=cycle, service=waste, name=name))


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (
            PDF,
            "report.xlsx",
            "“report.xlsx” is not an Excel workbook. Upload the spreadsheet downloaded from "
            "this return, saved as an Excel Workbook (.xlsx)",
        ),
        (
            b"Code,Figure\nWST-01,45\n",
            "figures.xlsx",
            "“figures.xlsx” is not an Excel workbook. Upload the spreadsheet downloaded from "
            "this return, saved as an Excel Workbook (.xlsx)",
        ),
        (
            zip_of_text(),
            "archive.xlsx",
            "“archive.xlsx” is not an Excel workbook. Upload the spreadsheet downloaded from "
            "this return, saved as an Excel Workbook (.xlsx)",
        ),
        (
            OLD_XLS,
            "return.xls",
            "“return.xls” is an Excel 97-2003 workbook (.xls). Open it in Excel, save it as an "
            "Excel Workbook (.xlsx) and upload that",
        ),
        (
            foreign_workbook(),
            "my-figures.xlsx",
            "“my-figures.xlsx” is not a return spreadsheet from Golden Thread. Download this "
            "return's spreadsheet from its page, enter the figures in it and upload that",
        ),
        (b"", "empty.xlsx", "“empty.xlsx” is empty. Choose the file with the figures in it"),
    ],
    ids=["pdf", "text", "zip", "xls", "foreign-workbook", "empty"],
)
def test_a_file_that_is_not_a_return_workbook_is_named_and_refused(
    unchanged, officer, cycle, waste, content, name, message
):
    assert messages_of_rejected(content, name, officer=officer, cycle=cycle, waste=waste) == [
        message
    ]


def test_a_workbook_for_another_service_or_cycle_is_refused(
    council, today, unchanged, officer, cycle, waste, parks, green_flags
):
    officer.scope.add(parks)
    q1 = ReportingCycleFactory(period=Period.objects.get(code="2026-27-Q1"), state=CycleState.OPEN)
    parks_file = return_workbook(cycle, parks, today=today, council=council)
    q1_file = return_workbook(q1, waste, today=today, council=council)

    assert messages_of_rejected(
        filled(parks_file, {2: {"Figure": 80}}), "parks.xlsx", officer=officer, cycle=cycle,
        waste=waste,
    ) == [
        "“parks.xlsx” is the return for Parks, Q2 2026/27, not for Waste and Recycling, "
        "Q2 2026/27. Upload it on its own return's page, or download this return's "
        "spreadsheet and use that"
    ]  # fmt: skip
    assert messages_of_rejected(
        filled(q1_file, {2: {"Figure": 44}}), "q1.xlsx", officer=officer, cycle=cycle,
        waste=waste,
    ) == [
        "“q1.xlsx” is the return for Waste and Recycling, Q1 2026/27, not for Waste and "
        "Recycling, Q2 2026/27. Upload it on its own return's page, or download this "
        "return's spreadsheet and use that"
    ]  # fmt: skip


def test_a_closed_cycle_takes_no_figures(unchanged, template, officer, cycle, waste):
    cycle.state = CycleState.CLOSED
    cycle.save()

    run = upload_workbook(
        filled(template, {2: {"Figure": 45}}), by=officer, cycle=cycle, service=waste
    )

    assert rejected(run) == ["Returns for Q2 2026/27 are not open: the reporting cycle is closed"]


# The performance team's CSV of many services' figures


@pytest.fixture
def many_services(cycle, recycling, missed_bins, green_flags, park_visits):
    return [
        {
            "indicator_code": "WST-01",
            "period": "2026-27-Q2",
            "figure": "46.5",
            "numerator": "93",
            "denominator": "200",
            "data_quality": "Final",
            "commentary": "Steady",
        },
        {"indicator_code": "WST-02", "period": "2026-27-Q2", "figure": "11"},
        {
            "indicator_code": "PRK-01",
            "period": "2026-27-Q2",
            "figure": "75",
            "data_quality": "estimated",
        },
        {
            "indicator_code": "PRK-02",
            "period": "2026-09",
            "not_available_reason": "Counter broken",
            "commentary": "No count this month",
        },
    ]


def test_a_csv_covering_several_services_and_cycles_is_imported_whole(
    performance_team, cycle, waste, parks, many_services
):
    run = upload_csv(values_csv(many_services, bom=True), by=performance_team)

    assert run.state == ImportState.DONE, run.problems
    assert run.imported_rows == 4
    saved = {
        v.indicator.code: v
        for v in Value.objects.select_related("indicator", "period").order_by("indicator__code")
        if v.period.code in ("2026-27-Q2", "2026-09")
    }
    assert saved["WST-01"].figure == Decimal("46.5")
    assert saved["WST-01"].denominator == 200
    assert saved["PRK-01"].data_quality == "estimated"
    assert saved["PRK-02"].figure is None
    assert saved["PRK-02"].not_available_reason == "Counter broken"
    assert {v.state for v in saved.values()} == {ValueState.DRAFT}
    assert {r.reason for r in ValueRevision.objects.filter(value__in=saved.values())} == {
        "Imported from figures.csv"
    }
    september = Period.objects.get(kind="month", code="2026-09").cycle
    assert imported_returns(run) == [(cycle, parks), (cycle, waste), (september, parks)]


def test_one_bad_row_in_the_middle_rejects_the_whole_csv(
    performance_team, many_services, recycling
):
    before = database_state()
    many_services[2]["figure"] = "seventy"

    run = upload_csv(values_csv(many_services), by=performance_team)

    assert rejected(run) == ["Row 4, figure: “seventy” is not a number. Enter a number like 92.5"]
    assert database_state() == before


def test_every_kind_of_bad_row_in_a_csv_is_named(
    performance_team, cycle, recycling, missed_bins, green_flags, park_visits, parks
):
    ReportingCycleFactory(period=Period.objects.get(code="2026-27-Q3"))  # planned, not open
    IndicatorFactory(code="PRK-09", title="Old parks measure", owner=parks,
                     lifecycle=Lifecycle.RETIRED)  # fmt: skip
    before = database_state()
    rows = [
        {"indicator_code": "XYZ-01", "period": "2026-27-Q2", "figure": "1"},
        {"indicator_code": "WST-02", "period": "2026 Q2", "figure": "1"},
        {"indicator_code": "WST-02", "period": "2026-10", "figure": "1"},
        {"indicator_code": "WST-02", "period": "2026-27-Q3", "figure": "1"},
        {"indicator_code": "WST-02", "period": "2026-27-Q4", "figure": "1"},
        {"indicator_code": "PRK-09", "period": "2026-27-Q2", "figure": "1"},
        {"indicator_code": "", "period": "2026-27-Q2", "figure": "1"},
        {"indicator_code": "WST-02", "period": "", "figure": "1"},
        {"indicator_code": "PRK-01", "period": "2026-27-Q2", "figure": "80"},
        {"indicator_code": "PRK-01", "period": "2026-27-Q2", "figure": "81"},
        {"indicator_code": "WST-01", "period": "2026-27-Q2", "figure": "101"},
        {"indicator_code": "", "period": "", "figure": ""},  # a blank line: skipped
        {"indicator_code": "PRK-02", "period": "2026-09", "figure": "1", "data_quality": "ok"},
    ]

    run = upload_csv(values_csv(rows), by=performance_team)

    assert rejected(run) == [
        "Row 2, indicator_code: there is no indicator with the code “XYZ-01”. Check the code",
        "Row 3, period: “2026 Q2” is not a period code. Use a code like 2026-27-Q2 "
        "(a quarter), 2026-10 (a month) or 2026-27 (a financial year)",
        "Row 4, period: WST-02 is collected quarterly, so the period must be a quarter code "
        "like 2026-27-Q2, not “2026-10”",
        "Row 5, period: figures for Q3 2026/27 cannot be imported: its reporting cycle is "
        "planned. Open it first, or remove the row",
        "Row 6, period: figures for Q4 2026/27 cannot be imported: it has no reporting "
        "cycle. Set one up and open it, or remove the row",
        "Row 7, indicator_code: PRK-09 is not collected in Q2 2026/27: it is retired. "
        "Remove the row",
        "Row 8, indicator_code: the indicator code is missing. Enter the indicator's code, "
        "like WST-01",
        "Row 9, period: the period is missing. Enter a period code like 2026-27-Q2",
        "Row 11 repeats row 10: both are for PRK-01 in Q2 2026/27. Keep one of them",
        "Row 12, figure: " + validation.PERCENT_RANGE.format(title="Household waste recycled"),
        "Row 14, data_quality: “ok” is not a data quality. Enter Final, Provisional or Estimated",
    ]
    assert database_state() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            values_csv([], columns=("indicator_code", "period", "value", "figure")),
            "“figures.csv” does not have the expected columns. Missing: numerator, "
            "denominator, data_quality, commentary, reasons, actions, not_available_reason. "
            "Not expected: value. The columns must be: " + ", ".join(imports.CSV_COLUMNS),
        ),
        (
            ";".join(imports.CSV_COLUMNS).encode() + b"\nWST-01;2026-27-Q2;45\n",
            "“figures.csv” does not have the expected columns. It seems to use semicolons "
            "between columns: save it from Excel as “CSV UTF-8 (Comma delimited) (*.csv)” and "
            "upload that. Missing: "
            + ", ".join(imports.CSV_COLUMNS)
            + ". Not expected: "
            + ";".join(imports.CSV_COLUMNS)
            + ". The columns must be: "
            + ", ".join(imports.CSV_COLUMNS),
        ),
        (
            values_csv([]),
            "“figures.csv” has no rows of figures below the header row",
        ),
        (b"\n\n", "“figures.csv” is empty. Choose the file with the figures in it"),
        (
            "indicator_code,period,figure\nWST-01,2026-27-Q2,45 – estimé\n".encode(
                "latin-1", "replace"
            ).replace(b"?", b"\xe9"),
            "“figures.csv” is not UTF-8 text: save it from Excel as “CSV UTF-8 (Comma "
            "delimited) (*.csv)” and upload that",
        ),
        (
            foreign_workbook(),
            "“figures.csv” is an Excel workbook, not a CSV file: save it from Excel as “CSV "
            "UTF-8 (Comma delimited) (*.csv)” and upload that",
        ),
        (
            PDF,
            "“figures.csv” is not a CSV file: save it from Excel as “CSV UTF-8 (Comma "
            "delimited) (*.csv)” and upload that",
        ),
    ],
    ids=["wrong-columns", "semicolons", "header-only", "blank", "latin-1", "xlsx", "pdf"],
)
def test_a_csv_that_cannot_be_read_is_named_and_refused(
    performance_team, recycling, content, message
):
    before = database_state()

    run = upload_csv(content, by=performance_team)

    assert rejected(run) == [message]
    assert database_state() == before


def test_a_row_with_more_cells_than_columns_is_named(performance_team, recycling):
    content = values_csv([]) + b"WST-01,2026-27-Q2,45,,,,,,,,Oops\n"

    run = upload_csv(content, by=performance_team)

    assert rejected(run) == [
        "Row 2 has 11 cells but the header has 10 columns. Remove the extra cells, or put "
        "text that contains commas in double quotes"
    ]


def test_a_huge_csv_is_refused_with_its_row_count(performance_team, recycling):
    before = database_state()
    row = b"WST-01,2026-27-Q2,45,,,,,,,\n"
    content = values_csv([]) + row * 12_000

    run = upload_csv(content, by=performance_team)

    assert rejected(run) == [
        "The file has 12,000 rows; the limit is 5,000. Split it into smaller files"
    ]
    assert database_state() == before


def test_a_csv_over_the_size_limit_is_refused_before_it_is_read(recycling):
    content = values_csv([]) + b"WST-01,2026-27-Q2,45,,,,,,," + b" " * (5 * 1024 * 1024)

    with pytest.raises(ImportRejected) as error:
        read_values_csv(BytesIO(content), name="all.csv")

    assert messages(error.value) == [
        "“all.csv” is 5.1 MB; the limit is 5 MB. Split it into smaller files"
    ]


def test_progress_is_recorded_as_rows_are_checked(performance_team, recycling):
    rows = [
        {"indicator_code": f"NOPE-{n}", "period": "2026-27-Q2", "figure": "1"} for n in range(450)
    ]

    run = upload_csv(values_csv(rows), by=performance_team)

    assert len(rejected(run)) == 450
    assert (run.total_rows, run.processed_rows) == (450, 450)


def test_progress_is_reported_every_few_hundred_rows(performance_team, recycling):
    rows = [
        {"indicator_code": f"NOPE-{n}", "period": "2026-27-Q2", "figure": "1"} for n in range(450)
    ]
    parsed = read_values_csv(BytesIO(values_csv(rows)), name="many.csv")
    reported = []

    with pytest.raises(ImportRejected):
        check_rows(parsed, by=performance_team, progress=reported.append)

    assert reported == [200, 400, 450]


def test_an_officer_cannot_import_figures_of_services_outside_their_scope(
    officer, cycle, recycling, green_flags
):
    rows = [
        {"indicator_code": "WST-01", "period": "2026-27-Q2", "figure": "45"},
        {"indicator_code": "PRK-01", "period": "2026-27-Q2", "figure": "80"},
    ]

    run = upload_csv(values_csv(rows), by=officer)

    assert rejected(run) == [
        "Row 3, indicator_code: you do not enter figures for PRK-01. Remove the row"
    ]


def test_a_figure_changed_while_the_file_is_checked_rolls_back_every_return(
    performance_team, officer, cycle, recycling, green_flags
):
    rows = [
        {"indicator_code": "WST-01", "period": "2026-27-Q2", "figure": "45"},
        {"indicator_code": "PRK-01", "period": "2026-27-Q2", "figure": "80"},
    ]
    parsed = read_values_csv(BytesIO(values_csv(rows)), name="q2.csv")
    plan = check_rows(parsed, by=performance_team)
    # Meanwhile someone saves a Parks figure; Waste's return is saved first, then refused.
    record_value(
        indicator=green_flags, period=cycle.period, entries={"figure": Decimal("70")}, by=officer
    )
    before = database_state()

    with pytest.raises(ImportRejected) as error:
        save_plan(plan, parsed, by=performance_team, reason="Imported from q2.csv")

    assert messages(error.value) == [
        "Row 3, indicator_code: someone else changed PRK-01 while the file was being "
        "imported, so nothing was imported. Upload the file again to check it against their "
        "figure"
    ]
    assert database_state() == before
    assert not Value.objects.filter(indicator=recycling, period=cycle.period).exists()


def test_a_finished_run_is_not_applied_again(template, officer, cycle, waste):
    run = upload_workbook(
        filled(template, {3: {"Figure": 5}}), by=officer, cycle=cycle, service=waste
    )
    revisions = ValueRevision.objects.count()

    again = apply_import(run)

    assert again.state == ImportState.DONE
    assert ValueRevision.objects.count() == revisions


def test_a_row_outside_an_indicators_reporting_range_is_refused_naming_the_range(
    performance_team, cycle, parks
):
    retired = IndicatorFactory(code="PRK-08", owner=parks)
    retire_indicator(
        indicator=retired, last_period=Period.objects.get(code="2026-27-Q1"), reason="Replaced"
    )
    IndicatorFactory(code="PRK-07", owner=parks, first_period=Period.objects.get(code="2026-27-Q3"))
    rows = [
        {"indicator_code": "PRK-08", "period": "2026-27-Q2", "figure": "1"},
        {"indicator_code": "PRK-07", "period": "2026-27-Q2", "figure": "1"},
    ]

    run = upload_csv(values_csv(rows), by=performance_team)

    assert rejected(run) == [
        "Row 2, indicator_code: PRK-08 is not collected in Q2 2026/27: it is retired after "
        "Q1 2026/27. Remove the row",
        "Row 3, indicator_code: PRK-07 is not collected in Q2 2026/27: it is reported from "
        "Q3 2026/27. Remove the row",
    ]
