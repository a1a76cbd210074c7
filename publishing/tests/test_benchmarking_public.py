"""The public site and the open data show how an indicator compared with other councils, as
the released report froze it, with the source and licence beside it.

RCY-01 is linked to a published recycling statistic for 2025/26. Our own year value is the
Q4 2025/26 figure, 40.0 (a snapshot indicator); the others published 10, 20, 30 and 35, so
we rank 1st of 5, in the top quartile. A revised Q2 report, released after the Q2 meeting,
is the first to carry the comparison.
"""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from django.urls import reverse

from benchmarking.models import Area, BenchmarkLink, ComparatorGroup, ExternalValue, Metric
from indicators.models import Indicator
from organisation.models import Council
from publishing.tests.conftest import LATER, Q2, UTC, at
from reports.content import ReportContent

pytestmark = pytest.mark.django_db

OURS = "E06000998"
WITH_COMPARISONS = "Quarterly performance report: Q2 2026/27 (with comparisons)"


@pytest.fixture
def compared(published):
    with at(datetime.datetime(2026, 11, 25, 9, tzinfo=UTC)):
        Council.objects.update(ons_code=OURS)
        metric = Metric.objects.create(
            code="test-recycling",
            title="Household waste recycled (%)",
            source="Local authority waste statistics",
            publisher="Test Office",
            licence="Open Government Licence v3.0",
            url="https://example.gov.uk/waste",
            polarity="higher_is_better",
            unit="%",
            precision=1,
            period_type="financial_year",
            release_date=datetime.date(2026, 10, 15),
        )
        group = ComparatorGroup.objects.create(name="Test unitaries", kind="own")
        for n, (code, figure) in enumerate(
            [
                (OURS, "38"),
                ("E06000901", "10"),
                ("E06000902", "20"),
                ("E06000903", "30"),
                ("E06000904", "35"),
            ]
        ):
            area = Area.objects.create(
                gss_code=code,
                code=f"T{n:02d}",
                name=f"Area {n}",
                official_name=f"Area {n}",
                nation="England",
                tier="UA",
            )
            group.members.add(area)
            ExternalValue.objects.create(
                metric=metric,
                area=area,
                period="2025/26",
                period_start=datetime.date(2025, 4, 1),
                period_end=datetime.date(2026, 3, 31),
                value=figure,
            )
        BenchmarkLink.objects.create(
            indicator=Indicator.objects.get(code="RCY-01"), metric=metric, group=group
        )
    with at(datetime.datetime(2026, 11, 25, 10, tzinfo=UTC)):
        return published.report(
            title=WITH_COMPARISONS, period_code=Q2, meeting=published.q2_meeting
        )


def test_the_released_reports_rows_carry_the_comparison(compared):
    content = ReportContent.from_snapshot(compared.snapshot)
    row = content.row("RCY-01")
    assert (row.compared["rank"], row.compared["of"], row.compared["quartile"]) == (1, 5, "top")
    assert row.compared["figure_source"] == "our own figure"
    assert content.row("LIB-01").compared is None


def test_the_public_scorecard_shows_the_column_and_its_sources(client, compared):
    with at(LATER):
        page = client.get(reverse("publishing:scorecard", args=[Q2])).content.decode()

    assert "Compared with other councils" in page
    assert "Top quartile" in page
    assert "1st of 5, 2025/26: Test unitaries" in page
    assert "Local authority waste statistics, Test Office, released 15 October 2026" in page
    assert "(Open Government Licence v3.0)" in page


def test_the_public_indicator_page_says_how_we_compare_with_the_source(client, compared):
    with at(LATER):
        page = client.get(reverse("publishing:indicator", args=["RCY-01"])).content.decode()

    assert "How we compare" in page
    assert "1st of 5 (1st is the best)" in page
    assert "40.0% (our own figure)" in page
    assert 'href="https://example.gov.uk/waste"' in page
    assert "released 15 October 2026. Open Government Licence v3.0." in page


def test_the_open_data_carries_the_comparison(client, compared):
    with at(LATER):
        text = client.get(reverse("publishing:period_data", args=[Q2, "csv"])).content
        data = client.get(reverse("publishing:period_data", args=[Q2, "json"])).content

    rows = {r["indicator_code"]: r for r in csv.DictReader(io.StringIO(text.decode("utf-8")))}
    recycled = rows["RCY-01"]
    assert recycled["benchmark_period"] == "2025/26"
    assert (recycled["benchmark_rank"], recycled["benchmark_group_size"]) == ("1", "5")
    assert recycled["benchmark_quartile"] == "top"
    assert recycled["benchmark_group"] == "Test unitaries"
    assert recycled["benchmark_licence"] == "Open Government Licence v3.0"
    assert recycled["benchmark_source"].startswith("Household waste recycled (%): Local")
    assert rows["LIB-01"]["benchmark_rank"] == ""
    records = {r["indicator_code"]: r for r in json.loads(data)["rows"]}
    assert records["RCY-01"]["benchmark_rank"] == 1
    assert records["LIB-01"]["benchmark_quartile"] is None
