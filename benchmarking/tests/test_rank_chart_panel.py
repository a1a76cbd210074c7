"""The indicator page's "How we compare" draws our rank over time once there are two periods.

Testshire (E06000998) among five hand-made areas, higher is better, no year value of ours, so
the published figures are ours:

- 2024/25: Aston 10, Brook 20, Corley 30, Dunholm 40, Testshire 20 — the group 10, 20, 20, 30,
  40: joint 3rd of 5 with Brook (P25 20, median 20, P75 30: upper-middle quartile);
- 2025/26: Aston 10, Brook ":", Corley 30, Dunholm 40, Testshire 25 — the group 10, 25, 30, 40:
  3rd of 4 (P25 21.25, median 27.5: lower-middle quartile).
"""

import html
import re

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from benchmarking.models import BenchmarkLink
from indicators.models import Indicator
from organisation.tests.personas import build_town, freeze_today, sign_in

from .builders import OURS, make_areas, make_group, make_metric, publish

pytestmark = pytest.mark.django_db

TITLE = "Household waste recycled (%): our rank in Test unitaries over time"


@pytest.fixture
def town(monkeypatch):
    freeze_today(monkeypatch)
    return build_town()


@pytest.fixture
def metric_and_group():
    areas = make_areas()
    metric = make_metric()
    publish(
        metric,
        areas,
        "2025/26",
        {"E06000901": "10", "E06000902": None, "E06000903": "30", "E06000904": "40", OURS: "25"},
        markers={"E06000902": ":"},
    )
    return metric, make_group(areas), areas


def link(metric, group) -> BenchmarkLink:
    return BenchmarkLink.objects.create(
        indicator=Indicator.objects.get(code="WST-03"), metric=metric, group=group
    )


def indicator_page(client, town) -> str:
    sign_in(client, town.person("councillor"))
    response = client.get(reverse("scorecards:indicator", args=["WST-03"]))
    assert response.status_code == 200
    return response.content.decode()


def words(markup: str) -> str:
    return " ".join(html.unescape(strip_tags(markup)).split())


def test_the_panel_draws_our_rank_over_time_with_its_words_and_table(
    client, town, metric_and_group
):
    metric, group, areas = metric_and_group
    publish(
        metric,
        areas,
        "2024/25",
        {"E06000901": "10", "E06000902": "20", "E06000903": "30", "E06000904": "40", OURS: "20"},
    )
    link(metric, group)

    page = indicator_page(client, town)

    (figure,) = [f for f in re.findall(r"<figure .*?</figure>", page, re.S) if TITLE in f]
    assert f">{TITLE}</p>" in figure  # the caption
    assert re.search(rf'<title id="[^"]+-title">{re.escape(TITLE)}</title>', figure)  # the SVG's
    description = (
        "Ranked 3rd of 4 in 2025/26, in the lower-middle quartile; down from joint 3rd of 5 "
        "(upper-middle quartile) in 2024/25. 2 periods from 2024/25 to 2025/26, each placed by "
        "how far down its group we ranked (first at the top, last at the bottom), so groups of "
        "different sizes line up with the quartile bands."
    )
    assert description in words(figure)
    assert 'role="img"' in figure and "Latest: 3rd of 4 in 2025/26" in figure
    table = words(re.search(r"<table.*?</table>", figure, re.S).group(0))
    assert table == (
        f"{TITLE}: the data Period Rank Out of Quartile "
        "2024/25 3 (joint) 5 Upper-middle quartile "
        "2025/26 3 4 Lower-middle quartile"
    )
    # Under the table of our position over time.
    assert page.index("Our position over time in Test unitaries") < page.index(figure)


def test_one_period_gets_no_rank_chart(client, town, metric_and_group):
    metric, group, _areas = metric_and_group
    link(metric, group)

    page = indicator_page(client, town)

    assert "How we compare" in page and "Our position over time" in page
    assert "our rank in Test unitaries over time" not in page
