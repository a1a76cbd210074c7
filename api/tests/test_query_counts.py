"""The list endpoints read a fixed number of queries, however long the page and however many
indicators and reports are published.

Counted with an empty cache (the first client after a release): the council, the released
reports, withdrawals, ambitions, one query for every snapshot needed, and one for the
reports' files. The baseline is in query_counts.json.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.tests.factories import IndicatorFactory
from organisation.models import OrgUnit
from publishing.tests.conftest import AFTER, Q2, at

pytestmark = pytest.mark.django_db

BASELINE = json.loads((Path(__file__).parent / "query_counts.json").read_text())
ADDRESSES = {
    "periods": "/api/v1/periods/",
    "ambitions": "/api/v1/ambitions/",
    "indicators": "/api/v1/indicators/",
    "indicator": "/api/v1/indicators/RCY-01/",
    "values": "/api/v1/values/",
    "values_csv": "/api/v1/values/?format=csv",
    "reports": "/api/v1/reports/",
}


def counts(client, query: str = "") -> dict[str, int]:
    found = {}
    for name, address in ADDRESSES.items():
        cache.clear()
        joiner = "&" if "?" in address else "?"
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{address}{joiner}{query}" if query else address)
            assert response.status_code == 200, name
        found[name] = len(queries)
    return found


def test_the_endpoints_keep_to_their_query_baseline(client, published):
    with at(AFTER):
        assert counts(client) == BASELINE


def test_a_longer_page_costs_no_more_queries(client, published):
    with at(AFTER):
        assert counts(client, "page_size=1") == BASELINE
        assert counts(client, "page_size=500") == BASELINE


def test_more_indicators_and_reports_cost_no_more_queries(client, published):
    with at(AFTER + datetime.timedelta(hours=1)):
        waste = OrgUnit.objects.get(code="waste")
        for n in range(5):
            indicator = IndicatorFactory(
                code=f"NEW-{n:02}", title=f"New indicator {n}", owner=waste, in_sets=["strategic"]
            )
            published.returns.signed_off(indicator, Q2, str(50 + n))
        for n in range(3):
            published.report(
                title=f"Q2 report for cabinet {n}", period_code=Q2, meeting=published.q2_meeting
            )
        assert client.get("/api/v1/indicators/").json()["count"] == 8
        assert counts(client) == BASELINE
