"""Nothing under embargo leaves through the API, its OpenAPI document or its documentation.

The Q2 report (publishing/tests/conftest.py) is approved but its meeting starts at 6pm on 24
November 2026: at one second to six no response, JSON or CSV, holds any trace of it, down to
a single figure, and its addresses answer 404 like addresses that never existed; from six
o'clock every one of them shows it.
"""

from __future__ import annotations

import pytest

from publishing.tests.conftest import (
    AFTER,
    BEFORE,
    EMBARGOED,
    EMBARGOED_CODE,
    LATER,
    Q1,
    Q2,
    at,
)
from reports.reporting import withdraw_report

pytestmark = pytest.mark.django_db

CSV = {"Accept": "text/csv"}


def addresses(published) -> list[tuple[str, dict]]:
    """Every public address of the API, with every filter, in JSON and CSV."""
    return [
        ("/api/v1/", {}),
        ("/api/v1/docs/", {}),
        ("/api/v1/openapi.json", {}),
        ("/api/v1/periods/", {}),
        ("/api/v1/periods/?kind=quarter", {}),
        ("/api/v1/ambitions/", {}),
        ("/api/v1/indicators/", {}),
        ("/api/v1/indicators/?ambition=greener", {}),
        ("/api/v1/indicators/RCY-01/", {}),
        ("/api/v1/indicators/LIB-01/", {}),
        ("/api/v1/values/", {}),
        ("/api/v1/values/", CSV),
        ("/api/v1/values/?format=csv", {}),
        ("/api/v1/values/?period=latest", {}),
        ("/api/v1/values/?period=latest&format=csv", {}),
        (f"/api/v1/values/?period={Q1}", {}),
        ("/api/v1/values/?ambition=greener&format=csv", {}),
        ("/api/v1/values/?indicator=RCY-01", {}),
        ("/api/v1/reports/", {}),
        ("/api/v1/reports/?committee=resources", {}),
        (f"/api/v1/reports/{published.released.pk}/", {}),
        (f"/api/v1/reports/{published.released.pk}/appendices/", {}),
        (f"/api/v1/reports/{published.embargoed.pk}/appendices/", {}),
        ("/api/v1/benchmark-positions/", {}),
        ("/api/v1/benchmark-positions/", CSV),
        ("/api/v1/benchmark-positions/?period=latest", {}),
        *embargoed_addresses(published),
    ]


def embargoed_addresses(published) -> list[tuple[str, dict]]:
    """The addresses that hold something only once the Q2 report is published."""
    return [
        (f"/api/v1/indicators/{EMBARGOED_CODE}/", {}),
        (f"/api/v1/reports/{published.embargoed.pk}/", {}),
        (f"/api/v1/values/?period={Q2}", {}),
        (f"/api/v1/values/?period={Q2}&format=csv", {}),
        (f"/api/v1/values/?indicator={EMBARGOED_CODE}", CSV),
        (f"/api/v1/reports/?period={Q2}", {}),
    ]


def everything(client, published) -> str:
    bodies = []
    for address, headers in addresses(published):
        response = client.get(address, headers=headers)
        assert response.status_code in (200, 302, 404), address
        bodies.append(response.content.decode())
    return "\n".join(bodies)


def test_before_the_meeting_no_response_holds_anything_of_the_embargoed_report(client, published):
    with at(BEFORE):
        seen = everything(client, published)
    for secret in EMBARGOED:
        assert secret not in seen, secret


def test_before_the_meeting_its_addresses_answer_as_if_they_never_existed(client, published):
    with at(BEFORE):
        never = client.get("/api/v1/indicators/NEVER-01/")
        for address in (
            f"/api/v1/indicators/{EMBARGOED_CODE}/",
            f"/api/v1/reports/{published.embargoed.pk}/",
            f"/api/v1/reports/{published.embargoed.pk}/appendices/",
        ):
            response = client.get(address)
            assert response.status_code == 404, address
            assert response.content == never.content
        assert client.get(f"/api/v1/values/?period={Q2}").json()["count"] == 0
        assert client.get("/api/v1/values/?period=latest").json()["results"][0]["period_code"] == (
            Q1
        )
        assert [p["code"] for p in client.get("/api/v1/periods/").json()["results"]] == [Q1]


def test_from_the_meeting_every_response_may_show_it(client, published):
    with at(AFTER):
        seen = everything(client, published)
        for address, headers in embargoed_addresses(published):
            response = client.get(address, headers=headers)
            assert response.status_code == 200, address
            assert any(secret in response.content.decode() for secret in EMBARGOED), address
    for secret in EMBARGOED:
        assert secret in seen, secret


def test_a_withdrawn_report_leaves_every_response(client, published):
    with at(LATER):
        withdraw_report(
            published.embargoed,
            by=published.performance,
            reason="Figures to be corrected",
        )
        seen = everything(client, published)
    for secret in EMBARGOED:
        assert secret not in seen, secret
