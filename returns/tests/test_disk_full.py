"""The disk full while an upload is stored (evidence, a return workbook, a CSV of figures): the
person is told plainly what went wrong, and nothing is saved: no evidence, no import run, no
figure changed, no file or part of one left behind.

The fault is injected in the storage: its save raises OSError(ENOSPC), as the operating system
does when the disk (or the service account's quota) is full.
"""

import errno
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from operations.storage import AtomicFileSystemStorage
from operations.tests.snapshots import media_files
from organisation.models import Role
from organisation.tests.factories import UserFactory
from returns import evidence, imports
from returns.models import Evidence, ImportRun
from returns.tests.import_files import PDF, database_state, filled, values_csv
from scorecards.tests.builders import Returns

pytestmark = pytest.mark.django_db


@pytest.fixture
def disk_full(monkeypatch):
    def no_space(self, name, content):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(AtomicFileSystemStorage, "_save", no_space)


@pytest.fixture
def draft(cycle, officer, recycling):
    returns = Returns()
    returns.officer = officer
    return returns.draft(recycling, cycle.period.code, "46")


def test_evidence_uploaded_to_a_full_disk_is_not_attached_and_says_why(
    client, officer, draft, disk_full, settings
):
    client.force_login(officer)
    before = database_state()

    response = client.post(
        reverse("returns:value", args=[draft.pk]),
        {"upload": "1", "description": "Tonnage", "file": SimpleUploadedFile("tonnage.pdf", PDF)},
    )

    assert response.status_code == 400
    message = evidence.DISK_FULL.format(name="tonnage.pdf")
    assert message in response.content.decode()
    assert message == (
        "tonnage.pdf could not be kept because the server has run out of storage space, so it "
        "was not attached. Try again later; if it happens again, tell the performance team"
    )
    assert not Evidence.objects.exists()
    assert database_state() == before
    assert media_files(settings.MEDIA_ROOT) == {}


def test_a_return_workbook_uploaded_to_a_full_disk_starts_no_import(
    client, today, officer, cycle, waste, recycling, missed_bins, settings, monkeypatch
):
    """The workbook is downloaded while there is space, filled in, and uploaded once the disk
    has filled."""
    client.force_login(officer)
    address = reverse("returns:workbook", args=[cycle.pk, waste.code])
    workbook = client.get(address).content
    assert load_workbook(BytesIO(workbook))["Return"]["A2"].value == "WST-01"
    content = filled(workbook, {2: {"Figure": 47.5}})
    before = database_state()

    def no_space(self, name, content):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(AtomicFileSystemStorage, "_save", no_space)
    response = client.post(
        reverse("returns:upload_workbook", args=[cycle.pk, waste.code]),
        {"file": SimpleUploadedFile("return.xlsx", content)},
    )

    assert response.status_code == 400
    assert imports.DISK_FULL.format(name="return.xlsx") in response.content.decode()
    assert "run out of storage space, so nothing was imported" in response.content.decode()
    assert not ImportRun.objects.exists()
    assert database_state() == before
    assert media_files(settings.MEDIA_ROOT) == {}


def test_a_csv_of_figures_uploaded_to_a_full_disk_starts_no_import(
    client, council, cycle, recycling, disk_full, settings
):
    client.force_login(UserFactory(username="perf", roles=[Role.PERFORMANCE_TEAM]))
    before = database_state()
    rows = [{"indicator_code": "WST-01", "period": cycle.period.code, "figure": "47.5"}]

    response = client.post(
        reverse("returns:import_values"),
        {"file": SimpleUploadedFile("q2.csv", values_csv(rows))},
    )

    assert response.status_code == 400
    assert imports.DISK_FULL.format(name="q2.csv") in response.content.decode()
    assert not ImportRun.objects.exists()
    assert database_state() == before
    assert media_files(settings.MEDIA_ROOT) == {}
