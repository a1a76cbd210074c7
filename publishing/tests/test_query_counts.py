"""Public pages read a fixed number of queries, however many reports are published.

Counted with an empty cache (the first visitor after a release): the public generation, the
council, the released reports, withdrawals, ambitions, the next release time (two) and one
query for every snapshot the page needs; the report page adds one per file format. The
baseline is in query_counts.json.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from publishing.tests.conftest import AFTER, Q2, at

pytestmark = pytest.mark.django_db

BASELINE = json.loads((Path(__file__).parent / "query_counts.json").read_text())


def addresses(published) -> dict[str, str]:
    return {
        "home": reverse("publishing:home"),
        "scorecard": reverse("publishing:scorecard", args=[Q2]),
        "ambition": reverse("publishing:ambition", args=[Q2, "greener"]),
        "indicators": reverse("publishing:indicators"),
        "indicator": reverse("publishing:indicator", args=["RCY-01"]),
        "reports": reverse("publishing:reports"),
        "report": reverse("publishing:report", args=[published.embargoed.pk]),
        "period_data": reverse("publishing:period_data", args=[Q2, "csv"]),
        "indicator_data": reverse("publishing:indicator_data", args=["RCY-01", "json"]),
        "sitemap": reverse("publishing:sitemap"),
    }


def counts(client, published) -> dict[str, int]:
    found = {}
    for name, address in addresses(published).items():
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200, name
        found[name] = len(queries)
    return found


def test_public_pages_keep_to_their_query_baseline(client, published):
    with at(AFTER):
        assert counts(client, published) == BASELINE


def test_more_published_reports_cost_no_more_queries(client, published):
    with at(AFTER + datetime.timedelta(hours=1)):
        for n in range(3):
            published.report(
                title=f"Q2 report for cabinet {n}", period_code=Q2, meeting=published.q2_meeting
            )
        assert counts(client, published) == BASELINE


def test_reports_without_a_meeting_cost_one_query_however_many(client, published):
    """Their release waits for the committee reports of their period (decision 0011): one
    query finds those for all of them."""
    one_more = {name: count + 1 for name, count in BASELINE.items()}
    with at(AFTER + datetime.timedelta(hours=1)):
        published.report(title="Q2 at a glance", period_code=Q2)
        assert counts(client, published) == one_more
        for n in range(2):
            published.report(title=f"Q2 summary {n}", period_code=Q2)
        assert counts(client, published) == one_more


def test_the_scorecard_page_reads_few_queries_once_snapshots_are_cached(
    client, published, django_assert_max_num_queries
):
    address = reverse("publishing:scorecard", args=[Q2])
    with at(AFTER):
        client.get(address)
        with django_assert_max_num_queries(BASELINE["scorecard"] - 1):
            assert client.get(address).status_code == 200
