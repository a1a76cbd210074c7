"""Speed of the organisation scorecard with the whole demo council.

Prints figures for docs/performance.md; asserts nothing about time (machines differ).
"""

import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.conftest import DEMO_TODAY
from indicators.models import Indicator, Value
from organisation.models import User
from organisation.queries import current_council
from scorecards.queries import latest_complete_quarter, organisation_scorecard

ROUNDS = 15


def timed(func, rounds=ROUNDS):
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


@pytest.mark.django_db
def test_organisation_scorecard_speed(demo_db, client, monkeypatch):
    monkeypatch.setattr("scorecards.views.timezone.localdate", lambda: DEMO_TODAY)
    client.force_login(User.objects.get(username="councillor"))
    url = reverse("scorecards:organisation")
    council = current_council()
    quarter = latest_complete_quarter(today=DEMO_TODAY)

    read_median, read_max = timed(
        lambda: organisation_scorecard(period=quarter, today=DEMO_TODAY, council=council)
    )
    page_median, page_max = timed(lambda: client.get(url))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code == 200
    print(
        f"\n[bench] {connection.vendor}: {Indicator.objects.count()} indicators, "
        f"{Value.objects.count()} values\n"
        f"[bench] organisation scorecard read model: median {read_median:.0f} ms, "
        f"max {read_max:.0f} ms\n"
        f"[bench] organisation scorecard page: median {page_median:.0f} ms, "
        f"max {page_max:.0f} ms, {len(queries)} queries, {len(response.content) // 1024} KiB"
    )
