"""The performance team imports a published statistic from a page: the same all-or-nothing
importer as the command, every problem shown by row and column, one audit entry per import."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEntry
from benchmarking.models import ExternalValue, Metric
from benchmarking.tests.conftest import WASTE
from organisation.tests.personas import build_town, sign_in

pytestmark = pytest.mark.django_db

OWN_DESCRIPTION = b"""
[source]
name = "Library visits"
publisher = "A council's own survey"
licence = "Open Government Licence v3.0"

[layout]
shape = "long"
area_code_column = "Code"
period_column = "Year"
period_type = "financial_year"

[[metrics]]
code = "library-visits"
value_column = "Visits"
title = "Library visits per 1,000 people"
polarity = "higher_is_better"
unit = "visits"
precision = 0
"""


@pytest.fixture
def town(areas):
    return build_town()


def waste_rows(count: int) -> bytes:
    lines = WASTE.read_text(encoding="utf-8").splitlines()
    return ("\n".join(lines[: count + 1]) + "\n").encode()


def upload(client, *, description="oflog-waste", data=None, own=None, name="waste.csv"):
    files = {"data": SimpleUploadedFile(name, data or waste_rows(40), "text/csv")}
    if own is not None:
        files["own_description"] = SimpleUploadedFile("mine.toml", own, "text/plain")
    return client.post(reverse("benchmarking:upload"), {"description": description, **files})


def state() -> tuple:
    return (
        list(ExternalValue.objects.order_by("pk").values_list("area", "period", "value")),
        list(Metric.objects.values_list("code", flat=True)),
    )


def test_the_performance_team_imports_a_published_file(client, town):
    sign_in(client, town.person("performance"))
    page = client.get(reverse("benchmarking:upload")).content.decode()
    assert "Oflog" in page and "My own description" in page

    response = upload(client)

    assert response.status_code == 302
    assert ExternalValue.objects.count() == 40
    shown = client.get(response["Location"]).content.decode()
    assert "Imported waste.csv: 40 rows read" in shown
    entry = AuditEntry.objects.get(action="published figures imported")
    assert entry.actor == town.person("performance")
    assert entry.object_label == "waste.csv by oflog-waste"


def test_a_file_with_problems_is_refused_by_row_and_column_and_saves_nothing(client, town):
    sign_in(client, town.person("performance"))
    upload(client)
    before = state()
    broken = waste_rows(5).replace(b"E06000001,Hartlepool", b"E06999999,Nowhere", 1)
    broken = broken.replace(b",33.1,", b",thirty,", 1)

    response = upload(client, data=broken)

    assert response.status_code == 400
    page = response.content.decode()
    assert "The file was rejected: nothing was saved" in page
    assert "E06999999" in page and "thirty" in page
    assert '<td class="govuk-table__cell">2</td>' in page  # the row the unknown code is on
    assert state() == before


def test_an_officers_own_description_imports_their_statistic(client, town):
    sign_in(client, town.person("performance"))
    data = b"Code,Year,Visits\nE06000001,2023-24,4120\nE06000002,2023-24,3875\n"

    response = upload(client, description="own", own=OWN_DESCRIPTION, data=data, name="l.csv")

    assert response.status_code == 302
    assert Metric.objects.get(code="library-visits").title == "Library visits per 1,000 people"
    assert ExternalValue.objects.filter(metric__code="library-visits").count() == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"description": "own"}, "Choose your description file (.toml)"),
        ({"name": "waste.xlsx"}, "The file must be a CSV file (.csv)"),
        ({"description": "own", "own": b"[layout\nshape="}, "description"),
    ],
)
def test_a_form_mistake_is_named_and_changes_nothing(client, town, fields, message):
    sign_in(client, town.person("performance"))

    response = upload(client, **fields)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert state() == ([], [])


@pytest.mark.parametrize("persona", ["officer", "approver", "director", "councillor"])
def test_only_the_performance_team_imports(client, town, persona):
    sign_in(client, town.person(persona))
    assert client.get(reverse("benchmarking:upload")).status_code == 403
    assert upload(client).status_code == 403
    assert state() == ([], [])
