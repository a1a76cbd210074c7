"""Speed of the public performance site with the whole demo council and its published reports.

Prints figures for docs/performance.md; asserts nothing about time (machines differ). The
first request of each page fills the snapshot cache; the figures are for the warm cache.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.bench_scorecard import timed
from reports.publication import released_reports


@pytest.mark.django_db
def test_public_site_speed(demo_db, client):
    latest = released_reports().filter(period__kind="quarter").first()
    report = latest
    pages = {
        "home": reverse("publishing:home"),
        "quarter scorecard": reverse("publishing:scorecard", args=[latest.period.code]),
        "indicator WST-01": reverse("publishing:indicator", args=["WST-01"]),
        "report page": reverse("publishing:report", args=[report.pk]),
        "quarter CSV": reverse("publishing:period_data", args=[latest.period.code, "csv"]),
        "sitemap": reverse("publishing:sitemap"),
    }
    lines = [f"\n[bench] {connection.vendor}: {released_reports().count()} released reports"]
    for name, url in pages.items():
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            first = client.get(url)
        assert first.status_code == 200, name
        cold_queries = len(cold)  # read now: the next request clears the log
        median, worst = timed(lambda url=url: client.get(url))
        lines.append(
            f"[bench] public {name}: median {median:.0f} ms, max {worst:.0f} ms warm; "
            f"{cold_queries} queries cold, {len(first.content) // 1024} KiB"
        )
    print("\n".join(lines))
