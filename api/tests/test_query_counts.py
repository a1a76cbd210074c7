"""The list endpoints read a fixed number of queries, however long the page and however many
indicators and reports are published.

Counted with an empty cache (the first client after a release): the public generation, the
council, the released reports, withdrawals, ambitions, the next release time (two), one query
for every snapshot needed, and one for the reports' files. The appendices and benchmark
positions are counted where there are some (registers_and_comparisons.py). The baseline is
in query_counts.json.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.tests.registers_and_comparisons import RELEASE
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
# {report}: the Q2 report with the registers, its four appendices.
WITH_REGISTERS = {
    "appendices": "/api/v1/reports/{report}/appendices/",
    "appendix": "/api/v1/reports/{report}/appendices/change/",
    "appendix_csv": "/api/v1/reports/{report}/appendices/change/?format=csv&table=2",
    "benchmark_positions": "/api/v1/benchmark-positions/",
    "benchmark_positions_csv": "/api/v1/benchmark-positions/?format=csv",
}


def counts(client, query: str = "", addresses: dict[str, str] = ADDRESSES) -> dict[str, int]:
    found = {}
    for name, address in addresses.items():
        cache.clear()
        joiner = "&" if "?" in address else "?"
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{address}{joiner}{query}" if query else address)
            assert response.status_code == 200, name
        found[name] = len(queries)
    return found


def baseline(addresses: dict[str, str]) -> dict[str, int]:
    return {name: BASELINE[name] for name in addresses}


def test_the_endpoints_keep_to_their_query_baseline(client, published):
    with at(AFTER):
        assert counts(client) == baseline(ADDRESSES)


def test_a_longer_page_costs_no_more_queries(client, published):
    with at(AFTER):
        assert counts(client, "page_size=1") == baseline(ADDRESSES)
        assert counts(client, "page_size=500") == baseline(ADDRESSES)


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
        assert counts(client) == baseline(ADDRESSES)


def test_appendices_and_positions_keep_to_their_baseline_however_long_the_page(client, registered):
    addresses = {
        name: address.format(report=registered.q2.pk) for name, address in WITH_REGISTERS.items()
    }
    with at(RELEASE):
        assert client.get(addresses["appendices"]).json()["count"] == 4
        assert client.get(addresses["benchmark_positions"]).json()["count"] == 4
        for query in ("", "page_size=1", "page_size=500"):
            assert counts(client, query, addresses) == baseline(WITH_REGISTERS), query
