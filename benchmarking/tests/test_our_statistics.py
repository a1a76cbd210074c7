"""Every statistic published for our area, with our position, without linking anything.

Five areas, ours (Testshire) among them. The recycling metric (higher is better) has 2022/23:
Aston 10, Brook 20, Corley 30, Dunholm 40, Testshire 25, and 2023/24: 12, 22, 32, 42 and
Testshire 27 — the latest, so we are upper-middle, 3rd of 5. Nothing of ours is linked.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarking.models import Metric
from benchmarking.our_statistics import our_statistics
from organisation.models import Role
from organisation.tests.factories import CouncilFactory, UserFactory

from .builders import OURS, make_areas, make_group, make_metric, publish, publish_two_years

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    council = CouncilFactory(ons_code=OURS)
    areas = make_areas()
    metric = make_metric()
    publish_two_years(metric, areas)
    return council, areas, make_group(areas)


def test_our_latest_published_figure_is_placed_in_the_group(world):
    council, _areas, group = world

    found = our_statistics(council, group)

    ((source, (only,)),) = found.by_source
    assert source == "Local authority waste statistics, Test Office"
    assert (only.period, only.figure, only.quartile) == (
        "2023/24",
        "27.0%",
        "Upper-middle quartile",
    )
    assert (only.position.rank, only.position.of) == (3, 5)


def test_a_statistic_with_no_figure_for_us_or_a_contextual_one_is_left_out(world):
    council, areas, group = world
    others = make_metric(code="test-other")
    publish(others, areas, "2023/24", {"E06000901": "1", "E06000902": "2"})
    evidence = make_metric(code="test-survey")
    Metric.objects.filter(pk=evidence.pk).update(is_contextual=True)
    publish(evidence, areas, "2023/24", {OURS: "70"})

    found = our_statistics(council, group)

    assert [p.metric.code for _source, ps in found.by_source for p in ps] == ["test-recycling"]


def test_a_fixed_number_of_queries_however_many_statistics(world):
    council, areas, group = world
    with CaptureQueriesContext(connection) as few:
        our_statistics(council, group)
    for n in range(5):
        metric = make_metric(code=f"test-more-{n}", polarity="lower_is_better")
        publish(metric, areas, "2021/22", {OURS: "5", "E06000901": "6", "E06000902": "4"})
    with CaptureQueriesContext(connection) as more:
        found = our_statistics(council, group)
    assert found.count == 6
    assert len(more) == len(few) == 5


def test_the_benchmarking_page_lists_them_in_the_chosen_group(client, world):
    _council, areas, group = world
    smaller = make_group({code: areas[code] for code in (OURS, "E06000901")}, name="Two of us")
    client.force_login(UserFactory(roles=[Role.COUNCILLOR]))

    page = client.get(reverse("benchmarking:metrics"), {"group": group.pk}).content.decode()
    assert "Every statistic published for our area" in page
    assert "Local authority waste statistics, Test Office: 1 statistic, compared with" in page
    assert "3rd of 5" in page

    page = client.get(reverse("benchmarking:metrics"), {"group": smaller.pk}).content.decode()
    assert "1st of 2" in page  # 27 beats Aston's 12


def test_a_council_whose_code_is_unknown_is_told_so(client, world):
    council, _areas, _group = world
    council.ons_code = "E06000099"
    council.save()
    client.force_login(UserFactory(roles=[Role.COUNCILLOR]))

    page = client.get(reverse("benchmarking:metrics")).content.decode()

    assert "the council's GSS code, E06000099, is not in the list" in page
