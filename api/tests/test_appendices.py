"""A released report's appendices, as a program with no sign-in reads them, from 6pm on
1 December when the Q2 report with the registers is released (registers_and_comparisons.py):
finance, risks, change and how we compare, each with its tables, and any table as CSV."""

from __future__ import annotations

import csv
import io

import pytest

from api.appendix_queries import table_as_csv
from api.problems import NOT_FOUND
from api.tests.registers_and_comparisons import BUDGET_SHOWN, PROJECT, RELEASE, RISK
from publishing.tests.conftest import at
from reports.content import Table

pytestmark = pytest.mark.django_db

API = "http://testserver/api/v1"
WEB = "http://testserver/performance"
ANCHORS = ["appendix-finance", "risks", "change", "how-we-compare"]


def get(client, address, **headers):
    with at(RELEASE):
        response = client.get(address, headers=headers)
    assert response.status_code == 200, response.content
    return response


def not_found(client, address) -> None:
    with at(RELEASE):
        response = client.get(address)
    assert response.status_code == 404, address
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == NOT_FOUND


def test_a_released_reports_appendices_in_the_reports_order_with_their_tables(client, registered):
    pk = registered.q2.pk
    body = get(client, f"/api/v1/reports/{pk}/appendices/").json()

    assert body["count"] == 4
    assert [a["anchor"] for a in body["results"]] == ANCHORS
    risks = body["results"][1]
    assert risks["title"] == "Risks"
    assert risks["introduction"].startswith("The risks held in the council on 30 September 2026")
    assert risks["url"] == f"{API}/reports/{pk}/appendices/risks/"
    assert risks["web_url"] == f"{WEB}/reports/{pk}/#risks"
    assert risks["report"]["id"] == pk
    assert risks["report"]["url"] == f"{API}/reports/{pk}/"
    [table] = risks["tables"]
    assert table["number"] == 1
    assert table["caption"] == "Service risks"
    assert table["headers"][:2] == ["Reference", "Title"]
    assert table["rows"][0][:2] == ["SR-31", RISK]
    assert table["numeric_columns"] == []
    assert table["csv_url"] == f"{API}/reports/{pk}/appendices/risks/?format=csv&table=1"

    finance = body["results"][0]["tables"][0]
    assert finance["numeric_columns"] == [1, 2, 3, 4]
    assert finance["rows"][0][:2] == ["Place", f"£{BUDGET_SHOWN}"]
    change = body["results"][2]
    assert [t["number"] for t in change["tables"]] == [1, 2]
    assert change["tables"][1]["rows"][0][:2] == ["DP-31", PROJECT]


def test_one_appendix_by_its_name_is_the_lists_own(client, registered):
    pk = registered.q2.pk
    listed = get(client, f"/api/v1/reports/{pk}/appendices/").json()["results"]
    for appendix in listed:
        assert get(client, appendix["url"]).json() == appendix


def test_the_report_links_its_appendices(client, registered):
    pk = registered.q2.pk
    report = get(client, f"/api/v1/reports/{pk}/").json()

    assert report["appendices_url"] == f"{API}/reports/{pk}/appendices/"
    assert report["appendices"][1] == {
        "title": "Risks",
        "anchor": "risks",
        "url": f"{API}/reports/{pk}/appendices/risks/",
        "web_url": f"{WEB}/reports/{pk}/#risks",
    }
    assert [a["anchor"] for a in report["appendices"]] == ANCHORS
    listed = get(client, "/api/v1/reports/").json()["results"]
    assert {r["id"]: [a["anchor"] for a in r["appendices"]] for r in listed} == {
        pk: ANCHORS,
        registered.q1.pk: ["how-we-compare"],  # approved before the registers held anything
        registered.published.embargoed.pk: [],
        registered.published.released.pk: [],
    }
    # The public page has the appendix where web_url points.
    with at(RELEASE):
        page = client.get(report["web_url"]).content.decode()
    assert 'id="risks"' in page


def test_a_table_as_csv(client, registered):
    pk = registered.q2.pk
    finance = get(client, f"/api/v1/reports/{pk}/appendices/appendix-finance/?format=csv")

    assert finance["Content-Type"] == "text/csv; charset=utf-8"
    assert finance["Content-Disposition"] == (
        f'inline; filename="report-{pk}-appendix-finance-1.csv"'
    )
    assert finance.content.decode() == (
        "Budget line,Budget,Forecast outturn,Variance,Variance %,Status,Direction,Commentary\r\n"
        'Place,"£7,654,321","£7,700,000","£45,679 over",0.6%,On budget,No earlier forecast,\r\n'
    )
    projects = get(client, f"/api/v1/reports/{pk}/appendices/change/?format=csv&table=2")
    rows = list(csv.reader(io.StringIO(projects.content.decode())))
    assert rows[0][:2] == ["Reference", "Project"]
    assert rows[1][:2] == ["DP-31", PROJECT]
    by_header = get(client, f"/api/v1/reports/{pk}/appendices/change/", Accept="text/csv")
    assert by_header.content.decode().startswith("Programme,Projects,")


def test_a_csv_cell_that_a_spreadsheet_would_run_is_guarded_but_a_figure_keeps_its_sign():
    table = Table(
        caption="Budgets",
        headers=["Budget line", "Variance"],
        rows=[['=HYPERLINK("https://example.com")', "-45,679"], ["-1 +cmd", "-2 +cmd|'"]],
        numeric_columns=[1],
    )
    assert list(csv.reader(io.StringIO(table_as_csv(table)))) == [
        ["Budget line", "Variance"],
        ['\'=HYPERLINK("https://example.com")', "-45,679"],
        ["'-1 +cmd", "'-2 +cmd|'"],
    ]


def test_appendices_are_paged_like_every_list(client, registered):
    pk = registered.q2.pk
    body = get(client, f"/api/v1/reports/{pk}/appendices/?page=2&page_size=1").json()

    assert body["count"] == 4
    assert [a["anchor"] for a in body["results"]] == ["risks"]
    assert body["next"] == f"{API}/reports/{pk}/appendices/?page=3&page_size=1"
    assert body["previous"] == f"{API}/reports/{pk}/appendices/?page=1&page_size=1"


def test_what_is_not_published_answers_404_as_the_report_does(client, registered):
    pk = registered.q2.pk
    for address in (
        "/api/v1/reports/999999/appendices/",
        "/api/v1/reports/999999/appendices/risks/",
        f"/api/v1/reports/{pk}/appendices/nowhere/",
        f"/api/v1/reports/{registered.q1.pk}/appendices/risks/",  # it has no risks appendix
        f"/api/v1/reports/{pk}/appendices/risks/?format=csv&table=2",  # it has one table
        f"/api/v1/reports/{pk}/appendices/risks/x/",
    ):
        not_found(client, address)
    with at(RELEASE):
        response = client.get(f"/api/v1/reports/{pk}/appendices/risks/?format=csv&table=0")
    assert response.status_code == 422
    assert response.json()["errors"][0]["name"] == "table"
