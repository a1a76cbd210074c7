"""The public endpoints, as a program with no sign-in sees them, after the Q2 release.

Testshire (publishing/tests/conftest.py) has published Q1 (RCY-01 41.238, LIB-01 12.5) and,
from 6pm on 24 November 2026, Q2 (RCY-01 73.917, LIB-01 12.9, and SEC-01 88.846, new in Q2).
"""

from __future__ import annotations

import csv
import datetime
import io

import pytest

from publishing import opendata
from publishing.tests.conftest import (
    AFTER,
    EMBARGOED_CODE,
    EMBARGOED_FIGURE,
    EMBARGOED_TITLE,
    PUBLISHED_FIGURE,
    PUBLISHED_TITLE,
    Q1,
    Q2,
    at,
)
from strategy.models import Ambition, Outcome, Plan

pytestmark = pytest.mark.django_db

API = "http://testserver/api/v1"
WEB = "http://testserver/performance"


def get(client, address, **headers):
    with at(AFTER):
        response = client.get(address, headers=headers)
    assert response.status_code == 200, response.content
    return response


def test_periods_latest_first_with_the_reports_holding_them(client, published):
    body = get(client, "/api/v1/periods/").json()

    assert body["count"] == 2
    q2, q1 = body["results"]
    assert (q2["code"], q1["code"]) == (Q2, Q1)
    assert q1 == {
        "code": Q1,
        "label": "Q1 2026/27",
        "kind": "quarter",
        "starts_on": "2026-04-01",
        "ends_on": "2026-06-30",
        "reports": [
            {
                "id": published.released.pk,
                "name": f"{PUBLISHED_TITLE} – Strategy and Resources Committee",
                "url": f"{API}/reports/{published.released.pk}/",
                "web_url": f"{WEB}/reports/{published.released.pk}/",
            }
        ],
        "values_url": f"{API}/values/?period={Q1}",
        "web_url": f"{WEB}/scorecards/{Q1}/",
    }
    assert [r["id"] for r in q2["reports"]] == [published.embargoed.pk]


def test_periods_filtered_by_kind(client, published):
    assert get(client, "/api/v1/periods/?kind=financial_year").json()["count"] == 0
    assert get(client, "/api/v1/periods/?kind=quarter").json()["count"] == 2


def test_ambitions_in_the_councils_order_with_the_periods_they_have_indicators_in(
    client, published
):
    body = get(client, "/api/v1/ambitions/").json()

    assert [a["code"] for a in body["results"]] == ["greener", "homes"]
    greener = body["results"][0]
    plan = Ambition.objects.select_related("plan").get(code="greener").plan
    assert greener == {
        "code": "greener",
        "title": "A greener Testshire",
        "description": "",
        "periods": [Q2, Q1],
        "plan": {
            "title": plan.title,
            "kind": "strategic",
            "kind_label": plan.get_kind_display(),
            "starts_on": "2022-04-01",
            "ends_on": "2027-03-31",
        },
        "outcomes": [{"code": "less-waste", "title": "Less waste", "description": ""}],
        "indicators_url": f"{API}/indicators/?ambition=greener",
        "web_url": f"{WEB}/scorecards/{Q2}/greener/",
    }


def test_a_changed_outcome_or_plan_changes_the_ambitions_etag(client, published):
    with at(AFTER):
        first = client.get("/api/v1/ambitions/")
        Outcome.objects.filter(code="less-waste").update(title="Much less waste")
        renamed = client.get("/api/v1/ambitions/", headers={"if-none-match": first["ETag"]})
        Plan.objects.update(ends_on=datetime.date(2028, 3, 31))
        extended = client.get("/api/v1/ambitions/", headers={"if-none-match": renamed["ETag"]})

    assert renamed.status_code == extended.status_code == 200
    assert renamed.json()["results"][0]["outcomes"][0]["title"] == "Much less waste"
    assert extended.json()["results"][0]["plan"]["ends_on"] == "2028-03-31"


def test_indicators_by_code_defined_as_last_published(client, published):
    body = get(client, "/api/v1/indicators/").json()

    assert [i["code"] for i in body["results"]] == ["LIB-01", "RCY-01", EMBARGOED_CODE]
    recycled = body["results"][1]
    assert recycled["title"] == "Household waste recycled"
    assert recycled["measures"] == "Household waste sent for reuse, recycling or composting"
    assert recycled["source"] == "Waste data return to the government"
    assert recycled["owner"] == "Waste"
    assert recycled["ambitions"] == ["greener"]
    assert (recycled["unit"], recycled["precision"]) == ("%", 1)
    assert (recycled["polarity"], recycled["frequency"]) == ("higher_is_better", "quarterly")
    assert recycled["latest_period"] == Q2
    assert recycled["url"] == f"{API}/indicators/RCY-01/"
    assert recycled["web_url"] == f"{WEB}/indicators/RCY-01/"


def test_indicators_filtered_by_ambition(client, published):
    body = get(client, "/api/v1/indicators/?ambition=greener").json()
    assert [i["code"] for i in body["results"]] == ["RCY-01", EMBARGOED_CODE]
    assert get(client, "/api/v1/indicators/?ambition=nowhere").json()["count"] == 0


def test_one_indicator_with_every_published_value_latest_first(client, published):
    body = get(client, "/api/v1/indicators/RCY-01/").json()

    assert body["code"] == "RCY-01"
    assert [v["period_code"] for v in body["values"]] == [Q2, Q1]
    assert [v["value"] for v in body["values"]] == [
        float(EMBARGOED_FIGURE),
        float(PUBLISHED_FIGURE),
    ]
    assert [v["report_title"] for v in body["values"]] == [EMBARGOED_TITLE, PUBLISHED_TITLE]


def test_values_have_the_open_datas_fields_and_values(client, published):
    body = get(client, f"/api/v1/values/?period={Q1}").json()
    with at(AFTER):
        open_data = client.get(f"/performance/data/periods/{Q1}.json").json()["rows"]

    assert [list(v) for v in body["results"]] == [list(opendata.FIELD_NAMES)] * 2
    for value, row in zip(body["results"], open_data, strict=True):
        published_at = row.pop("published_at")
        assert value.pop("published_at") == published_at.replace("+00:00", "Z")
        assert value == row


def test_values_latest_period_first_then_by_indicator(client, published):
    body = get(client, "/api/v1/values/").json()

    assert [(v["period_code"], v["indicator_code"]) for v in body["results"]] == [
        (Q2, "LIB-01"),
        (Q2, "RCY-01"),
        (Q2, EMBARGOED_CODE),
        (Q1, "LIB-01"),
        (Q1, "RCY-01"),
    ]
    recycled = body["results"][1]
    assert recycled["value"] == float(EMBARGOED_FIGURE)
    assert recycled["target"] == 45  # a whole number stays one, as in the open data
    assert recycled["status"] == "green"
    assert recycled["direction"] == "improving"
    assert recycled["variation"] == "not_enough_data"
    assert recycled["assurance"] == "not_enough_data"
    assert recycled["data_quality"] == "final"
    assert recycled["benchmark_rank"] is None
    assert recycled["report_id"] == published.embargoed.pk
    assert recycled["report_url"] == f"{WEB}/reports/{published.embargoed.pk}/"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (f"period={Q1}", [(Q1, "LIB-01"), (Q1, "RCY-01")]),
        ("period=latest", [(Q2, "LIB-01"), (Q2, "RCY-01"), (Q2, EMBARGOED_CODE)]),
        ("ambition=homes", [(Q2, "LIB-01"), (Q1, "LIB-01")]),
        ("indicator=RCY-01", [(Q2, "RCY-01"), (Q1, "RCY-01")]),
        (f"period={Q1}&ambition=greener", [(Q1, "RCY-01")]),
        ("period=2030-31-Q1", []),
    ],
)
def test_values_filtered(client, published, query, expected):
    body = get(client, f"/api/v1/values/?{query}").json()
    assert [(v["period_code"], v["indicator_code"]) for v in body["results"]] == expected
    assert body["count"] == len(expected)


@pytest.mark.parametrize("name", ["set", "directorate", "committee"])
@pytest.mark.parametrize("address", ["/api/v1/values/", "/api/v1/benchmark-positions/"])
def test_a_code_holding_a_nul_character_matches_nothing(client, published, name, address):
    """No code holds one, and PostgreSQL refuses one in a query: an empty answer, not 500."""
    body = get(client, f"{address}?{name}=waste%00place").json()
    assert body["count"] == 0 and body["results"] == []


def test_values_as_csv_are_the_open_data_files_table(client, published):
    response = get(client, f"/api/v1/values/?period={Q1}&format=csv")
    with at(AFTER):
        open_data = client.get(f"/performance/data/periods/{Q1}.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content == open_data.content


def test_the_accept_header_asks_for_csv_too_and_the_address_wins(client, published):
    by_header = get(client, "/api/v1/values/", Accept="text/csv")
    assert by_header["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(by_header.content.decode())))
    assert len(rows) == 5

    by_address = get(client, "/api/v1/values/?format=json", Accept="text/csv")
    assert by_address["Content-Type"].startswith("application/json")
    assert get(client, "/api/v1/values/", Accept="*/*")["Content-Type"].startswith(
        "application/json"
    )


def test_csv_is_the_whole_table_not_a_page(client, published):
    response = get(client, "/api/v1/values/?format=csv&page_size=1")
    assert len(list(csv.DictReader(io.StringIO(response.content.decode())))) == 5


def test_reports_latest_first_with_their_files(client, published):
    body = get(client, "/api/v1/reports/").json()

    assert [r["id"] for r in body["results"]] == [published.embargoed.pk, published.released.pk]
    q1 = body["results"][1]
    pk = published.released.pk
    assert q1 == {
        "id": pk,
        "title": PUBLISHED_TITLE,
        "name": f"{PUBLISHED_TITLE} – Strategy and Resources Committee",
        "kind": "committee",
        "kind_label": "Committee performance report",
        "period_code": Q1,
        "period_label": "Q1 2026/27",
        "period_kind": "quarter",
        "committee": "Strategy and Resources Committee",
        "committee_code": "resources",
        "meeting_starts_at": "2026-09-01T18:00:00Z",
        "released_at": "2026-09-01T18:00:00Z",
        "url": f"{API}/reports/{pk}/",
        "web_url": f"{WEB}/reports/{pk}/",
        "files": [
            {
                "format": "pdf",
                "label": "PDF",
                "url": f"{WEB}/reports/{pk}/download/pdf/",
                "size": len(f"%PDF-1.7 {PUBLISHED_TITLE}".encode()),
            }
        ],
        "appendices": [],
        "appendices_url": f"{API}/reports/{pk}/appendices/",
    }
    with at(AFTER):
        download = client.get(q1["files"][0]["url"])
    assert download.status_code == 200


@pytest.mark.parametrize(
    ("query", "count"),
    [(f"period={Q1}", 1), ("kind=committee", 2), ("kind=annual", 0), ("committee=resources", 2)],
)
def test_reports_filtered(client, published, query, count):
    assert get(client, f"/api/v1/reports/?{query}").json()["count"] == count


def test_one_report(client, published):
    pk = published.embargoed.pk
    body = get(client, f"/api/v1/reports/{pk}/").json()
    assert body["id"] == pk
    assert body["title"] == EMBARGOED_TITLE
    assert body["released_at"] == "2026-11-24T18:00:00Z"


def test_the_api_starts_at_its_documentation(client, db):
    response = client.get("/api/v1/")
    assert response.status_code == 302
    assert response["Location"] == "/api/v1/docs/"
