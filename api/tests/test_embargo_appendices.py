"""A report's appendices and benchmark positions leave through the API only with the report.

The Q2 report with the registers (registers_and_comparisons.py) is approved on 22 November for
the meeting at 6pm on 1 December. At one second to six no API response, JSON or CSV, GET or
HEAD, holds its risk, project, budget or title, its appendices answer 404 like addresses that
never existed, and the only benchmark positions are Q1's, from the report released on 21
November; from six o'clock all of it appears; once withdrawn, none of it.
"""

from __future__ import annotations

import datetime

import pytest

from api.tests.registers_and_comparisons import JUST_BEFORE, RELEASE, SECRETS
from api.tests.test_embargo import CSV, addresses
from publishing.tests.conftest import Q1, Q2, at
from reports.reporting import withdraw_report

pytestmark = pytest.mark.django_db

ANCHORS = ("appendix-finance", "risks", "change", "how-we-compare")


def q2_addresses(registered) -> list[tuple[str, dict]]:
    """The addresses that hold something only once the Q2 report with the registers is out."""
    pk = registered.q2.pk
    return [
        (f"/api/v1/reports/{pk}/", {}),
        (f"/api/v1/reports/{pk}/appendices/", {}),
        *((f"/api/v1/reports/{pk}/appendices/{anchor}/", {}) for anchor in ANCHORS),
        *((f"/api/v1/reports/{pk}/appendices/{anchor}/", CSV) for anchor in ANCHORS),
        (f"/api/v1/reports/{pk}/appendices/change/?format=csv&table=2", {}),
    ]


def everything(client, registered) -> str:
    bodies = []
    every = [
        *addresses(registered.published),
        *q2_addresses(registered),
        (f"/api/v1/reports/{registered.q1.pk}/appendices/", {}),
        (f"/api/v1/reports/{registered.q1.pk}/appendices/how-we-compare/", CSV),
        ("/api/v1/benchmark-positions/?quartile=top", {}),
        (f"/api/v1/benchmark-positions/?period={Q2}&format=csv", {}),
    ]
    for address, headers in every:
        response = client.get(address, headers=headers)
        assert response.status_code in (200, 302, 404), address
        assert client.head(address, headers=headers).status_code == response.status_code
        bodies.append(response.content.decode())
    return "\n".join(bodies)


def positions(client, query: str = "") -> list[tuple[str, str]]:
    body = client.get(f"/api/v1/benchmark-positions/{query}").json()
    return [(p["period_code"], p["indicator_code"]) for p in body["results"]]


def test_before_the_meeting_no_response_holds_its_appendices(client, registered):
    with at(JUST_BEFORE):
        seen = everything(client, registered)
    for secret in SECRETS:
        assert secret not in seen, secret


def test_before_the_meeting_its_appendices_answer_as_if_they_never_existed(client, registered):
    with at(JUST_BEFORE):
        never = client.get("/api/v1/reports/999999/appendices/risks/")
        for address, headers in q2_addresses(registered):
            response = client.get(address, headers=headers)
            assert response.status_code == 404, address
            assert response.content == never.content, address
        # Only the positions of the report already released: Q1's.
        assert positions(client) == [(Q1, "LIB-01"), (Q1, "RCY-01")]
        assert positions(client, f"?period={Q2}") == []


def test_from_the_meeting_every_response_may_show_them(client, registered):
    with at(RELEASE):
        seen = everything(client, registered)
        for address, headers in q2_addresses(registered):
            response = client.get(address, headers=headers)
            assert response.status_code == 200, address
        assert positions(client, f"?period={Q2}") == [(Q2, "LIB-01"), (Q2, "RCY-01")]
    for secret in SECRETS:
        assert secret in seen, secret


def test_a_withdrawn_report_takes_its_appendices_and_positions_with_it(client, registered):
    with at(RELEASE + datetime.timedelta(days=1)):
        withdraw_report(registered.q2, by=registered.published.performance, reason="To correct")
        seen = everything(client, registered)
        # Q2's positions are gone: the Q2 report still released holds no comparison.
        assert positions(client, f"?period={Q2}") == []
    for secret in SECRETS:
        assert secret not in seen, secret
