"""Published values and benchmark positions filtered by indicator set, directorate and
committee, on the public site's world (publishing/tests/conftest.py): RCY-01 (Waste) and
LIB-01 (Libraries), both in Place and in the strategic set, published in Q1 by the Strategy and
Resources Committee; Q2 (with SEC-01) released at 6pm on 24 November 2026."""

from __future__ import annotations

import pytest

from publishing.tests.conftest import AFTER, BEFORE, Q1, at
from strategy.tests.factories import CommitteeFactory

pytestmark = pytest.mark.django_db


def codes(client, query: str, moment=BEFORE, address="/api/v1/values/") -> list[tuple]:
    with at(moment):
        response = client.get(f"{address}?{query}")
    assert response.status_code == 200, response.content
    return [(v["period_code"], v["indicator_code"]) for v in response.json()["results"]]


def test_values_by_set_directorate_and_committee(client, published):
    everything = codes(client, f"period={Q1}")

    assert everything == [(Q1, "LIB-01"), (Q1, "RCY-01")]
    assert codes(client, f"period={Q1}&set=strategic") == everything
    assert codes(client, f"period={Q1}&directorate=place") == everything
    assert codes(client, f"period={Q1}&directorate=waste") == [(Q1, "RCY-01")]
    assert codes(client, f"period={Q1}&committee=resources") == everything
    assert codes(client, f"period={Q1}&set=nothing-like-it") == []
    assert codes(client, f"period={Q1}&directorate=people") == []
    assert codes(client, f"period={Q1}&committee=nobody") == []


def test_a_committee_that_received_no_report_filters_everything_out(client, published):
    CommitteeFactory(code="planning", name="Planning Committee")

    assert codes(client, "committee=planning") == []
    assert codes(client, "committee=resources", AFTER)[0][1] in ("LIB-01", "RCY-01", "SEC-01")


def test_no_filter_shows_anything_unpublished(client, published):
    # SEC-01 exists (in the strategic set, in Waste) but is published only from 6pm.
    before = codes(client, "set=strategic&directorate=place&committee=resources")
    after = codes(client, "set=strategic&directorate=place&committee=resources", AFTER)

    assert "SEC-01" not in {code for _, code in before}
    assert "SEC-01" in {code for _, code in after}


def test_positions_take_the_same_filters(client, published):
    with at(BEFORE):
        response = client.get("/api/v1/benchmark-positions/?set=strategic&directorate=waste")
    assert response.status_code == 200
    assert all(p["indicator_code"] == "RCY-01" for p in response.json()["results"])
