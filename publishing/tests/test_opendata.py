"""The open data files: CSV and JSON per period and per indicator, and their schema."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from publishing.opendata import FIELD_NAMES, FIELDS, LICENCE_URL, as_csv
from publishing.tests.conftest import (
    BEFORE,
    EMBARGOED_FIGURE,
    LATER,
    PUBLISHED_FIGURE,
    Q1,
    Q2,
    at,
)

pytestmark = pytest.mark.django_db


def rows_of(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def test_a_period_csv_has_a_header_row_and_one_row_per_indicator(client, published):
    with at(BEFORE):
        response = client.get(reverse("publishing:period_data", args=[Q1, "csv"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="performance-{Q1}.csv"'
    text = response.content.decode("utf-8")
    assert text.splitlines()[0] == ",".join(FIELD_NAMES)
    rows = {row["indicator_code"]: row for row in rows_of(response)}
    assert set(rows) == {"LIB-01", "RCY-01"}
    recycled = rows["RCY-01"]
    assert recycled["period_code"] == Q1
    assert recycled["period_label"] == "Q1 2026/27"
    assert recycled["period_kind"] == "quarter"
    assert recycled["indicator_title"] == "Household waste recycled"
    assert recycled["ambitions"] == "greener"
    assert recycled["owner"] == "Waste"
    assert recycled["value"] == PUBLISHED_FIGURE  # exact, without trailing zeros
    assert recycled["value_shown"] == "41.2%"
    assert recycled["target"] == "45"
    assert recycled["status"] == "red"
    assert recycled["status_label"] == "Red"
    assert recycled["direction"] == "improving"
    assert recycled["report_id"] == str(published.released.pk)
    assert recycled["report_url"] == (
        f"http://testserver/performance/reports/{published.released.pk}/"
    )
    assert recycled["published_at"] == "2026-09-01T18:00:00+00:00"


def test_a_period_json_holds_the_same_rows_with_the_licence_and_schema(client, published):
    with at(BEFORE):
        csv_rows = rows_of(client.get(reverse("publishing:period_data", args=[Q1, "csv"])))
        response = client.get(reverse("publishing:period_data", args=[Q1, "json"]))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == f'inline; filename="performance-{Q1}.json"'
    document = json.loads(response.content)
    assert document["publisher"] == "Testshire Council"
    assert document["licence"]["url"] == LICENCE_URL
    assert document["schema"] == "http://testserver/performance/data/schema.json"
    assert document["period"] == {"code": Q1, "label": "Q1 2026/27", "kind": "quarter"}
    assert [list(row) for row in document["rows"]] == [list(FIELD_NAMES)] * 2
    by_code = {row["indicator_code"]: row for row in document["rows"]}
    assert by_code["RCY-01"]["value"] == 41.238
    assert by_code["RCY-01"]["precision"] == 1
    assert by_code["RCY-01"]["target_lower"] is None
    assert sorted(by_code) == sorted(row["indicator_code"] for row in csv_rows)


def test_an_indicator_file_has_one_row_per_published_period(client, published):
    with at(LATER):
        rows = rows_of(client.get(reverse("publishing:indicator_data", args=["RCY-01", "csv"])))
        document = json.loads(
            client.get(reverse("publishing:indicator_data", args=["RCY-01", "json"])).content
        )
    assert [(r["period_code"], r["value"]) for r in rows] == [
        (Q2, EMBARGOED_FIGURE),
        (Q1, PUBLISHED_FIGURE),
    ]
    assert document["indicator"] == {"code": "RCY-01", "title": "Household waste recycled"}
    assert [r["period_code"] for r in document["rows"]] == [Q2, Q1]


def test_free_text_cannot_become_a_spreadsheet_formula():
    record = dict.fromkeys(FIELD_NAMES, "")
    record["commentary"] = '=HYPERLINK("http://example.com","Details")'
    record["indicator_title"] = '-1 +HYPERLINK("http://example.com")'
    record["value"] = Decimal("-5.5")  # a figure keeps its sign
    row = next(csv.DictReader(io.StringIO(as_csv([record]))))
    assert row["commentary"] == '\'=HYPERLINK("http://example.com","Details")'
    assert row["indicator_title"] == '\'-1 +HYPERLINK("http://example.com")'
    assert row["value"] == "-5.5"


def test_the_schema_describes_every_field_in_order(client, published):
    with at(BEFORE):
        response = client.get(reverse("publishing:schema"))
    schema = json.loads(response.content)
    assert [f["name"] for f in schema["fields"]] == list(FIELD_NAMES)
    assert all(f["description"] and f["type"] for f in schema["fields"])
    types = {f["name"]: f["type"] for f in schema["fields"]}
    assert types["value"] == "number"
    assert types["precision"] == "integer"
    assert types["published_at"] == "datetime"
    status = next(f for f in schema["fields"] if f["name"] == "status")
    assert status["constraints"]["enum"] == [
        "green",
        "amber",
        "red",
        "data_only",
        "pending",
        "missing",
    ]
    assert schema["primaryKey"] == ["period_code", "indicator_code"]
    assert schema["licenses"][0]["path"] == LICENCE_URL


def test_the_open_data_page_documents_every_field(client, published):
    with at(BEFORE):
        page = client.get(reverse("publishing:data")).content.decode()
    for field in FIELDS:
        assert f"<code>{field.name}</code>" in page
    assert "Open Government Licence v3.0" in page
    assert f"/performance/data/periods/{Q1}.csv" in page
    assert "/performance/data/indicators/RCY-01.json" in page


def test_the_open_data_page_leads_to_the_api_and_its_openapi_document(client, published):
    with at(BEFORE):
        page = client.get(reverse("publishing:data")).content.decode()
        for address, name in (
            ("/api/v1/docs/", "The API documentation"),
            ("/api/v1/openapi.json", "The API’s OpenAPI document"),
        ):
            assert f'<a class="govuk-link" href="{address}">{name}</a>' in page
            assert client.get(address).status_code == 200, address


def test_data_files_may_be_fetched_from_other_sites(client, published):
    with at(BEFORE):
        response = client.get(reverse("publishing:period_data", args=[Q1, "json"]))
    assert response["Access-Control-Allow-Origin"] == "*"


def test_an_unknown_file_is_not_found(client, published):
    with at(BEFORE):
        for address in (
            f"/performance/data/periods/{Q1}.xml",
            "/performance/data/periods/1999-00-Q1.csv",
            "/performance/data/indicators/NOPE-01.json",
        ):
            assert client.get(address).status_code == 404, address


def test_the_documentation_lists_every_field():
    from django.conf import settings

    documented = (settings.BASE_DIR / "docs" / "open-data.md").read_text()
    for field in FIELDS:
        assert f"| `{field.name}` | {field.type}" in documented, field.name


def test_the_files_say_which_figures_were_provisional_when_approved(client, published, provisional):
    with at(LATER):
        csv_rows = rows_of(client.get(reverse("publishing:period_data", args=[Q2, "csv"])))
        document = json.loads(
            client.get(reverse("publishing:period_data", args=[Q2, "json"])).content
        )
        history = rows_of(client.get(reverse("publishing:indicator_data", args=["LIB-01", "csv"])))
        schema = json.loads(client.get(reverse("publishing:schema")).content)

    in_csv = {row["indicator_code"]: row["data_quality"] for row in csv_rows}
    in_json = {row["indicator_code"]: row["data_quality"] for row in document["rows"]}
    # LIB-01 was made final after the report was approved: the files keep what was approved.
    assert in_csv == in_json == {"LIB-01": "provisional", "RCY-01": "final", "SEC-01": "final"}
    assert {row["period_code"]: row["data_quality"] for row in history} == {
        Q2: "provisional",
        Q1: "final",
    }
    [field] = [f for f in schema["fields"] if f["name"] == "data_quality"]
    assert field["constraints"]["enum"] == ["final", "provisional", "estimated"]
    assert "provisional" in field["description"]
