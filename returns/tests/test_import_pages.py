"""The bulk routes as people use them: download a return as a spreadsheet, upload it back,
import a CSV of many services' figures, and follow an import to its end."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from indicators.models import Value, ValueState
from indicators.tests.factories import IndicatorFactory
from organisation.models import Role
from organisation.tests.factories import UserFactory
from returns.models import ImportKind, ImportRun, ImportState
from returns.tests.import_files import PDF, database_state, filled, values_csv
from returns.workbooks import XLSX_CONTENT_TYPE

pytestmark = pytest.mark.django_db

WASTE_FILE = "return-Q2-2026-27-waste-and-recycling.xlsx"


@pytest.fixture
def performance_team(council):
    return UserFactory(username="perf", roles=[Role.PERFORMANCE_TEAM])


@pytest.fixture
def green_flags(parks):
    return IndicatorFactory(code="PRK-01", title="Parks with a Green Flag", owner=parks)


@pytest.fixture
def waste_return(cycle, waste, recycling, missed_bins):
    """Waste's Q2 return: WST-01 and WST-02."""
    return cycle, waste


def url(name, cycle, service):
    return reverse(f"returns:{name}", args=[cycle.pk, service.code])


def download(client, cycle, service) -> bytes:
    response = client.get(url("workbook", cycle, service))
    assert response.status_code == 200
    return response.content


def page(response) -> str:
    return response.content.decode()


# Download


def test_an_officer_downloads_their_return_as_a_workbook(client, today, officer, waste_return):
    cycle, waste = waste_return
    client.force_login(officer)

    response = client.get(url("workbook", cycle, waste))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == f'attachment; filename="{WASTE_FILE}"'
    sheet = load_workbook(BytesIO(response.content))["Return"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "WST-01",
        "WST-02",
    ]


def test_another_services_workbook_is_not_found(client, today, officer, cycle, green_flags):
    client.force_login(officer)

    assert client.get(url("workbook", cycle, green_flags.owner)).status_code == 404
    assert client.get(url("upload_workbook", cycle, green_flags.owner)).status_code == 404


def test_signing_in_is_needed_to_download(client, waste_return):
    response = client.get(url("workbook", *waste_return))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_return_page_links_to_the_spreadsheet_routes(client, today, officer, waste_return):
    client.force_login(officer)

    html = page(client.get(url("service", *waste_return)))

    assert "Download this return as a spreadsheet" in html
    assert url("workbook", *waste_return) in html
    assert "Upload a completed spreadsheet" in html
    assert url("upload_workbook", *waste_return) in html


# Upload


def test_the_upload_page_is_a_file_upload_form(client, today, officer, waste_return):
    client.force_login(officer)

    html = page(client.get(url("upload_workbook", *waste_return)))

    assert 'enctype="multipart/form-data"' in html
    assert 'type="file"' in html
    assert 'class="govuk-file-upload"' in html
    assert "Upload the completed spreadsheet" in html


def test_uploading_nothing_shows_the_error_summary(client, today, officer, waste_return):
    client.force_login(officer)

    response = client.post(url("upload_workbook", *waste_return), {})

    assert response.status_code == 400
    html = page(response)
    assert "govuk-error-summary" in html
    assert '<a href="#id_file">Select the completed spreadsheet</a>' in html
    assert ImportRun.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused_before_it_is_kept(
    client, today, officer, waste_return
):
    client.force_login(officer)
    big = SimpleUploadedFile("big.xlsx", b"PK\x03\x04" + b"\x00" * (6 * 1024 * 1024 - 4))

    response = client.post(url("upload_workbook", *waste_return), {"file": big})

    assert response.status_code == 400
    assert "“big.xlsx” is 6 MB; the limit is 5 MB. Split it into smaller files" in page(response)
    assert ImportRun.objects.count() == 0


def test_a_filled_in_workbook_is_imported_and_the_run_page_says_so(
    client, today, officer, waste_return, recycling
):
    cycle, waste = waste_return
    client.force_login(officer)
    content = filled(download(client, cycle, waste), {2: {"Figure": 47.5}, 3: {"Figure": 8}})

    response = client.post(
        url("upload_workbook", cycle, waste), {"file": SimpleUploadedFile(WASTE_FILE, content)}
    )

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("returns:import_run", args=[run.pk])
    assert (run.kind, run.cycle, run.service, run.uploaded_by) == (
        ImportKind.RETURN_WORKBOOK,
        cycle,
        waste,
        officer,
    )
    html = page(client.get(response["Location"]))
    assert "Imported 2 figures as drafts" in html
    assert url("service", cycle, waste) in html
    assert 'http-equiv="refresh"' not in html
    assert Value.objects.get(indicator=recycling, period=cycle.period).state == ValueState.DRAFT


def test_a_broken_workbook_is_rejected_with_a_table_of_problems(
    client, today, officer, waste_return
):
    cycle, waste = waste_return
    client.force_login(officer)
    content = filled(download(client, cycle, waste), {2: {"Figure": "12,5a"}})
    before = database_state()

    response = client.post(
        url("upload_workbook", cycle, waste),
        {"file": SimpleUploadedFile(WASTE_FILE, content)},
        follow=True,
    )

    html = page(response)
    assert "The file was rejected: nothing was imported" in html
    assert '<th scope="col" class="govuk-table__header">Row</th>' in html
    assert '<th scope="col" class="govuk-table__header">Column</th>' in html
    assert "Row 2, Figure: “12,5a” is not a number. Enter a number like 92.5" in html
    assert url("upload_workbook", cycle, waste) in html  # upload the corrected file
    assert database_state() == before


def test_a_pdf_renamed_xlsx_is_named_and_refused(client, today, officer, waste_return):
    client.force_login(officer)

    response = client.post(
        url("upload_workbook", *waste_return),
        {"file": SimpleUploadedFile("minutes.xlsx", PDF)},
        follow=True,
    )

    assert "“minutes.xlsx” is not an Excel workbook." in page(response)


# The performance team's CSV import


def csv_rows():
    return [
        {"indicator_code": "WST-01", "period": "2026-27-Q2", "figure": "46"},
        {"indicator_code": "WST-02", "period": "2026-27-Q2", "figure": "9"},
        {"indicator_code": "PRK-01", "period": "2026-27-Q2", "figure": "80"},
    ]


def test_a_data_owner_cannot_reach_the_csv_import(client, today, officer):
    client.force_login(officer)

    assert client.get(reverse("returns:import_values")).status_code == 403
    assert client.post(reverse("returns:import_values"), {}).status_code == 403


def test_the_performance_team_imports_a_csv_for_several_services(
    client, today, performance_team, waste_return, green_flags
):
    cycle, waste = waste_return
    client.force_login(performance_team)
    assert "indicator_code" in page(client.get(reverse("returns:import_values")))

    response = client.post(
        reverse("returns:import_values"),
        {"file": SimpleUploadedFile("q2.csv", values_csv(csv_rows()))},
        follow=True,
    )

    html = page(response)
    assert "Imported 3 figures as drafts" in html
    assert url("service", cycle, waste) in html
    assert url("service", cycle, green_flags.owner) in html
    assert Value.objects.filter(period=cycle.period, state=ValueState.DRAFT).count() == 3


# Who may see a run, and its progress


@pytest.fixture
def run(officer, cycle, waste):
    return ImportRun.objects.create(
        kind=ImportKind.RETURN_WORKBOOK,
        cycle=cycle,
        service=waste,
        file="imports/2026/10/return.xlsx",
        original_name=WASTE_FILE,
        uploaded_by=officer,
        created_at=timezone.now(),
    )


def run_page(client, run):
    return client.get(reverse("returns:import_run", args=[run.pk]))


def test_only_the_uploader_and_the_performance_team_see_a_run(
    client, today, run, officer, second_officer, performance_team, approver
):
    for person, status in (
        (officer, 200),
        (performance_team, 200),
        (second_officer, 404),
        (approver, 404),
    ):
        client.force_login(person)
        assert run_page(client, run).status_code == status, person.username


def test_a_queued_run_refreshes_itself_while_waiting(client, today, run, officer):
    client.force_login(officer)

    html = page(run_page(client, run))

    assert '<meta http-equiv="refresh" content="2">' in html
    assert "Checking your file" in html
    assert "<progress" in html
    assert "Waiting to start" in html


def test_a_running_run_shows_how_many_rows_are_checked(client, today, run, officer):
    run.state, run.total_rows, run.processed_rows = ImportState.RUNNING, 5000, 1200
    run.save()
    client.force_login(officer)

    html = page(run_page(client, run))

    assert '<meta http-equiv="refresh" content="2">' in html
    assert '<progress id="import-progress" max="5000" value="1200">' in html
    assert "1,200 of 5,000 rows checked" in html


def test_a_finished_run_stops_refreshing(client, today, run, officer):
    run.state, run.problems = (
        ImportState.FAILED,
        [{"row": None, "field": "", "message": "“x.xlsx” is empty."}],
    )
    run.finished_at = timezone.now()
    run.save()
    client.force_login(officer)

    html = page(run_page(client, run))

    assert 'http-equiv="refresh"' not in html
    assert "<progress" not in html
    assert "The file was rejected: nothing was imported" in html
    assert "Whole file" in html
