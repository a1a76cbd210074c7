"""Our figure among the published ones, against a hand computation.

Five areas, ours (Testshire, E06000998) among them; higher is better.

2022/23 published: Aston 10, Brook 20, Corley 30, Dunholm 40, Testshire 25. We signed off
35 for Q4 2022/23 (a quarterly snapshot: the year's value is Q4's), which replaces the
published 25: the group is 10, 20, 30, 35, 40 — P25 20, median 30, P75 35, so 35 is in the
top quartile, rank 2 of 5 (only Dunholm's 40 is higher).

2023/24 published: 12, 22, 32, 42, Testshire 27; we have no year value, so the published 27
stands: the group 12, 22, 27, 32, 42 — P25 22, median 27, P75 32: upper-middle, rank 3 of 5,
a worse quartile than the year before.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarking.models import BenchmarkLink
from benchmarking.positions import indicator_positions
from indicators.periods import ensure_periods
from indicators.tests.factories import IndicatorFactory
from organisation.tests.factories import CouncilFactory
from scorecards.tests.builders import Returns
from status.benchmark import Quartile

from .builders import OURS, make_areas, make_group, make_metric, publish, publish_two_years

pytestmark = pytest.mark.django_db


@pytest.fixture
def link():
    ensure_periods(first_year=2022, last_year=2024)
    areas = make_areas()
    metric = make_metric()
    publish_two_years(metric, areas)
    indicator = IndicatorFactory(code="WST-01")
    Returns().series(indicator, ["2022-23-Q3", "2022-23-Q4"], [31, 35])
    return BenchmarkLink.objects.create(indicator=indicator, metric=metric, group=make_group(areas))


def test_our_own_year_value_replaces_the_published_one_and_the_published_one_fills_in(link):
    council = CouncilFactory(ons_code=OURS)

    first, second = indicator_positions(link, council=council)

    assert (first.period, first.value, first.is_own) == ("2022/23", Decimal("35"), True)
    assert first.figure_source == "our own figure"
    assert (first.position.p25, first.position.median, first.position.p75) == (20, 30, 35)
    assert (first.position.quartile, first.position.rank, first.position.of) == (
        Quartile.top,
        2,
        5,
    )
    assert (second.period, second.value, second.is_own) == ("2023/24", Decimal("27"), False)
    assert second.figure_source == "as published by Test Office"
    assert (second.position.p25, second.position.median, second.position.p75) == (22, 27, 32)
    assert (second.position.quartile, second.position.rank_label) == (
        Quartile.upper_middle,
        "rank 3 of 5",
    )
    assert second.is_improving is False


def test_a_council_whose_area_is_not_published_is_placed_by_its_own_figures_only(link):
    council = CouncilFactory(ons_code="E06000099")  # fictional, like the demo's

    (only,) = indicator_positions(link, council=council)

    # The group keeps Testshire's published 25 (it is another council now): six figures.
    assert (only.period, only.value, only.position.of, only.position.rank) == (
        "2022/23",
        Decimal("35"),
        6,
        2,
    )


def test_a_fixed_number_of_queries_however_many_periods(link):
    council = CouncilFactory(ons_code=OURS)
    with CaptureQueriesContext(connection) as few:
        indicator_positions(link, council=council)
    publish(
        link.metric,
        {a.gss_code: a for a in link.group.members.all()},
        "2024/25",
        {OURS: "30", "E06000901": "5"},
    )
    with CaptureQueriesContext(connection) as more:
        positions = indicator_positions(link, council=council)
    assert len(positions) == 3
    assert len(more) == len(few) == 4
