"""The indicator page's "How we compare" and the metric page, on Testshire (whose area code,
E06000998, is among five hand-made areas). 2025/26 published (higher is better): Aston 10,
Brook a marker ":", Corley 30, Dunholm 40, Testshire 25; no year value of ours, so the
published 25 is ours: the group 10, 25, 30, 40 — rank 3 of 4, lower-middle quartile
(P25 21.25, median 27.5, P75 32.5)."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import strip_tags

from benchmarking.models import Area, BenchmarkLink
from indicators.models import Indicator
from organisation.tests.personas import build_town, freeze_today, sign_in

from .builders import OURS, make_areas, make_group, make_metric, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(monkeypatch):
    freeze_today(monkeypatch)
    return build_town()


@pytest.fixture
def published():
    areas = make_areas()
    metric = make_metric()
    figures = {"E06000901": "10", "E06000902": None, "E06000903": "30", "E06000904": "40"}
    publish(metric, areas, "2025/26", {**figures, OURS: "25"}, markers={"E06000902": ":"})
    return metric, make_group(areas)


def text(page: str) -> str:
    return " ".join(html.unescape(strip_tags(page)).split())


def indicator_page(client, town, code="WST-03") -> str:
    sign_in(client, town.person("councillor"))
    response = client.get(reverse("scorecards:indicator", args=[code]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_panel_is_shown_only_for_a_linked_indicator(client, town, published):
    metric, group = published
    assert "How we compare" not in indicator_page(client, town)

    BenchmarkLink.objects.create(
        indicator=Indicator.objects.get(code="WST-03"),
        metric=metric,
        group=group,
        definition_note="Ours counts weekdays only.",
    )
    page = text(indicator_page(client, town))

    assert "How we compare" in page
    assert "Our figure, 2025/26 25.0% (as published by Test Office)" in page
    assert "Lower-middle quartile, rank 3 of 4 in Test unitaries" in page
    assert "P25 21.3%; median 27.5%; P75 32.5%" in page  # shown half-up, as every figure
    assert "How our definition differs: Ours counts weekdays only." in page
    assert "Licence Open Government Licence v3.0" in page
    assert "Source Local authority waste statistics" in page
    assert "Release Test release 2024" in page
    assert "Testshire Council (us): 25.0%" in page  # the chart's words
    assert "How we compare" not in indicator_page(client, town, "WST-01")


def test_the_metric_page_ranks_every_member_with_markers_in_words(client, town, published):
    metric, group = published
    sign_in(client, town.person("councillor"))

    response = client.get(
        reverse("benchmarking:metric", args=[metric.code]),
        {"group": group.pk, "period": "2025/26"},
    )

    page = response.content.decode()
    table = re.search(r"<caption[^>]*>Every council in.*?</table>", page, re.S).group(0)
    rows = [
        text(row)
        for row in re.findall(r"<tr class=\"govuk-table__row[^\"]*\">(.*?)</tr>", table, re.S)
    ]
    assert rows[1:] == [
        "1 Dunholm 40.0%",
        "2 Corley 30.0%",
        "3 Testshire Council (us) 25.0%",
        "4 Aston 10.0%",
        "– Brook not available",
    ]
    assert "Lower-middle quartile, rank 3 of 4" in text(page)
    assert "Brook 0" not in text(page)  # a marker is never a zero


def test_the_list_page_gives_each_linked_metric_its_latest_quartile(client, town, published):
    metric, group = published
    BenchmarkLink.objects.create(
        indicator=Indicator.objects.get(code="WST-03"), metric=metric, group=group
    )
    sign_in(client, town.person("officer"))

    page = text(client.get(reverse("benchmarking:metrics")).content.decode())

    assert "Household waste recycled (%) WST-03" in page
    assert "2025/26 Lower-middle quartile 3rd of 4" in page


def test_the_panel_asks_a_fixed_number_of_queries_however_many_members(client, town, published):
    metric, group = published
    BenchmarkLink.objects.create(
        indicator=Indicator.objects.get(code="WST-03"), metric=metric, group=group
    )
    indicator_page(client, town)
    with CaptureQueriesContext(connection) as few:
        indicator_page(client, town)
    extra = Area.objects.create(
        gss_code="E06000905",
        code="T09",
        name="Elmstead",
        official_name="Elmstead Council",
        nation="England",
        tier="UA",
    )
    group.members.add(extra)
    publish(metric, {"E06000905": extra}, "2024/25", {"E06000905": "50"})
    publish(metric, {"E06000905": extra}, "2025/26", {"E06000905": "55"})
    assert "rank 4 of 5" in text(indicator_page(client, town))  # positions worked out again …
    with CaptureQueriesContext(connection) as more:
        page = text(indicator_page(client, town))  # … and kept: read as one row
    assert "rank 4 of 5" in page
    assert len(more) == len(few)
