"""Benchmark positions, as a program with no sign-in reads them, from 6pm on 1 December
(registers_and_comparisons.py): RCY-01 1st of 5 (top quartile) and LIB-01 3rd of 5
(upper-middle) in Q1, from the report released on 21 November, and in Q2, from the report
released at six."""

from __future__ import annotations

import csv
import io

import pytest

from api.tests.registers_and_comparisons import (
    DEFINITION_NOTE,
    GROUP,
    Q1_TITLE,
    RECYCLING,
    RELEASE,
    TITLE,
)
from publishing import opendata
from publishing.tests.conftest import AFTER, Q1, Q2, at

pytestmark = pytest.mark.django_db

API = "http://testserver/api/v1"
WEB = "http://testserver/performance"
ALL = [(Q2, "LIB-01"), (Q2, "RCY-01"), (Q1, "LIB-01"), (Q1, "RCY-01")]


def get(client, address, **headers):
    with at(RELEASE):
        response = client.get(address, headers=headers)
    assert response.status_code == 200, response.content
    return response


def chosen(body: dict) -> list[tuple[str, str]]:
    return [(p["period_code"], p["indicator_code"]) for p in body["results"]]


def test_positions_latest_period_first_then_by_indicator_with_the_comparison(client, registered):
    body = get(client, "/api/v1/benchmark-positions/").json()

    assert chosen(body) == ALL
    pk = registered.q2.pk
    assert body["results"][1] == {
        "period_code": Q2,
        "period_label": "Q2 2026/27",
        "period_kind": "quarter",
        "indicator_code": "RCY-01",
        "indicator_title": "Household waste recycled",
        "benchmark_period": "2025/26",
        "benchmark_group": GROUP,
        "benchmark_rank": 1,
        "benchmark_group_size": 5,
        "benchmark_quartile": "top",
        "benchmark_quartile_label": "Top quartile",
        "benchmark_figure_shown": "40.0",
        "benchmark_figure_source": "our own figure",
        "benchmark_median_shown": "30.0",
        "benchmark_statistic": RECYCLING,
        "benchmark_publication": "Local authority statistics",
        "benchmark_publisher": "Test Office",
        "benchmark_released_on": "2026-10-15",
        "benchmark_source": f"{RECYCLING}: Local authority statistics, Test Office",
        "benchmark_licence": "Open Government Licence v3.0",
        "benchmark_url": "https://example.gov.uk/test-recycling",
        "benchmark_definition_note": None,
        "report_id": pk,
        "report_title": TITLE,
        "report_url": f"{WEB}/reports/{pk}/",
        "published_at": "2026-12-01T18:00:00Z",
    }
    visits = body["results"][2]
    assert (visits["benchmark_rank"], visits["benchmark_quartile"]) == (3, "upper_middle")
    assert visits["benchmark_definition_note"] == DEFINITION_NOTE
    assert visits["report_title"] == Q1_TITLE


def test_the_fields_shared_with_the_open_data_hold_the_same(client, registered):
    positions = get(client, "/api/v1/benchmark-positions/").json()["results"]
    shared = [f.name for f in opendata.POSITION_FIELDS if f in opendata.FIELDS]
    assert [n for n in shared if n.startswith("benchmark_")] == [
        f.name for f in opendata.FIELDS if f.name.startswith("benchmark_")
    ]
    for period in (Q1, Q2):
        values = get(client, f"/api/v1/values/?period={period}").json()["results"]
        by_code = {v["indicator_code"]: v for v in values}
        for position in (p for p in positions if p["period_code"] == period):
            value = by_code[position["indicator_code"]]
            assert {n: position[n] for n in shared} == {n: value[n] for n in shared}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (f"period={Q1}", [(Q1, "LIB-01"), (Q1, "RCY-01")]),
        ("period=latest", [(Q2, "LIB-01"), (Q2, "RCY-01")]),
        ("ambition=greener", [(Q2, "RCY-01"), (Q1, "RCY-01")]),
        ("indicator=LIB-01", [(Q2, "LIB-01"), (Q1, "LIB-01")]),
        ("quartile=top", [(Q2, "RCY-01"), (Q1, "RCY-01")]),
        (f"quartile=upper_middle&period={Q2}", [(Q2, "LIB-01")]),
        ("quartile=bottom", []),
        ("indicator=SEC-01", []),  # published, but not compared with other councils
        ("period=2030-31-Q1", []),
    ],
)
def test_positions_filtered(client, registered, query, expected):
    body = get(client, f"/api/v1/benchmark-positions/?{query}").json()
    assert chosen(body) == expected
    assert body["count"] == len(expected)


def test_an_unknown_quartile_is_an_invalid_parameter(client, registered):
    with at(RELEASE):
        response = client.get("/api/v1/benchmark-positions/?quartile=first")
    assert response.status_code == 422
    assert response.json()["errors"][0]["name"] == "quartile"


def test_positions_are_paged_and_the_pages_keep_the_filters(client, registered):
    first = get(client, "/api/v1/benchmark-positions/?quartile=top&page_size=1").json()
    assert (first["count"], chosen(first)) == (2, [(Q2, "RCY-01")])
    assert first["next"] == f"{API}/benchmark-positions/?quartile=top&page_size=1&page=2"
    second = get(client, first["next"]).json()
    assert chosen(second) == [(Q1, "RCY-01")]
    assert second["next"] is None


def test_positions_as_csv_are_every_position_the_filters_choose_with_the_json_fields(
    client, registered
):
    response = get(client, "/api/v1/benchmark-positions/?format=csv&page_size=1")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="benchmark-positions.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    as_json = get(client, "/api/v1/benchmark-positions/").json()["results"]

    assert [(r["period_code"], r["indicator_code"]) for r in rows] == ALL
    assert list(rows[0]) == list(as_json[0])
    assert rows[1]["benchmark_rank"] == "1"
    assert rows[1]["benchmark_definition_note"] == ""
    assert rows[2]["benchmark_definition_note"] == DEFINITION_NOTE
    by_header = get(client, "/api/v1/benchmark-positions/?period=latest", Accept="text/csv")
    assert len(list(csv.DictReader(io.StringIO(by_header.content.decode())))) == 2


def test_no_comparison_published_no_positions(client, published):
    with at(AFTER):
        body = client.get("/api/v1/benchmark-positions/").json()
    assert (body["count"], body["results"]) == (0, [])
