"""Kept positions: the same as worked out from every published figure, never kept past a change.

The small world of test_indicator_positions: five areas, ours (Testshire) among them; 2022/23
our own 35 is top quartile, rank 2 of 5; 2023/24 the published 27 stands, upper-middle, rank 3
of 5. Each test changes one thing a position is made of after it was kept, and checks that
what a scorecard reads afterwards equals the positions worked out afresh.
"""

import datetime
from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarking import kept
from benchmarking.compared import compared_for
from benchmarking.models import Area, BenchmarkLink, ExternalValue, KeptPositions, Tier
from benchmarking.positions import links_positions
from benchmarking.tasks import refresh_positions
from indicators.models import Value
from indicators.periods import ensure_periods
from indicators.tests.factories import IndicatorFactory
from indicators.workflow import approve_value, revise_value
from organisation.models import Council
from organisation.tests.factories import CouncilFactory
from scorecards.tests.builders import Returns
from status.benchmark import Quartile

from .builders import OURS, make_areas, make_group, make_metric

pytestmark = pytest.mark.django_db

AFTER_BOTH_YEARS = datetime.date(2024, 6, 30)


@pytest.fixture
def world():
    from .builders import publish_two_years

    ensure_periods(first_year=2022, last_year=2024)
    council = CouncilFactory(ons_code=OURS)
    areas = make_areas()
    metric = make_metric()
    publish_two_years(metric, areas)
    indicator = IndicatorFactory(code="WST-01")
    returns = Returns()
    returns.series(indicator, ["2022-23-Q3", "2022-23-Q4"], [31, 35])
    link = BenchmarkLink.objects.create(indicator=indicator, metric=metric, group=make_group(areas))
    return council, link, areas, returns


def read(link):
    council = Council.objects.get()
    fresh = BenchmarkLink.objects.select_related("metric", "group", "indicator").get(pk=link.pk)
    return kept.latest_positions([fresh], council=council)[link.pk]


def afresh(link):
    council = Council.objects.get()
    fresh = BenchmarkLink.objects.select_related("metric", "group", "indicator").get(pk=link.pk)
    return [replace(p, group_values={}) for p in links_positions([fresh], council=council)[link.pk]]


def is_kept(link) -> bool:
    return kept._holding().filter(link=link).exists()


def test_positions_are_kept_the_first_time_and_read_back_the_same(world):
    _council, link, _areas, _returns = world
    assert not is_kept(link)

    first = read(link)

    assert is_kept(link)
    assert first == afresh(link)
    assert [(p.period, p.position.quartile, p.position.rank) for p in first] == [
        ("2022/23", Quartile.top, 2),
        ("2023/24", Quartile.upper_middle, 3),
    ]
    assert read(link) == first


def test_kept_positions_read_one_query_and_no_published_figure(world):
    council, link, _areas, _returns = world
    read(link)
    links = list(BenchmarkLink.objects.select_related("metric", "group", "indicator"))

    with CaptureQueriesContext(connection) as queries:
        kept.latest_positions(links, council=council)

    assert len(queries) == 1
    assert "benchmarking_externalvalue" not in queries[0]["sql"]


# Each change below alters what the link's positions are made of.


def revise_a_published_figure(link, areas, returns):
    value = ExternalValue.objects.get(metric=link.metric, area__gss_code=OURS, period="2023/24")
    value.value = Decimal("41")  # now second of five: top quartile
    value.save()


def revise_a_published_figure_with_an_update(link, areas, returns):
    ExternalValue.objects.filter(metric=link.metric, area__gss_code=OURS, period="2023/24").update(
        value=Decimal("5")
    )


def revise_a_published_figure_in_plain_sql(link, areas, returns):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE benchmarking_externalvalue SET value = %s WHERE metric_id = %s AND period = %s"
            " AND area_id = %s",
            [Decimal("50"), link.metric_id, "2023/24", areas[OURS].pk],
        )


def publish_a_new_year(link, areas, returns):
    from .builders import publish

    publish(link.metric, areas, "2024/25", {code: "20" for code in areas} | {OURS: "30"})


def leave_a_council_out_of_the_group(link, areas, returns):
    link.group.members.remove(next(a for code, a in areas.items() if code != OURS))


def add_a_council_to_the_group(link, areas, returns):
    newcomer = Area.objects.create(
        gss_code="E06000905",
        code="T05",
        name="Elmford",
        official_name="Elmford Council",
        nation="England",
        tier=Tier.UNITARY,
        region="South West",
    )
    for label, start in (("2022/23", 2022), ("2023/24", 2023)):
        ExternalValue.objects.create(
            metric=link.metric,
            area=newcomer,
            period=label,
            period_start=datetime.date(start, 4, 1),
            period_end=datetime.date(start + 1, 3, 31),
            value=Decimal("99"),
        )
    link.group.members.add(newcomer)


def turn_the_metric_round(link, areas, returns):
    link.metric.polarity = "lower_is_better"
    link.metric.save()


def link_another_metric(link, areas, returns):
    other = make_metric(code="test-other")
    from .builders import publish

    publish(other, areas, "2023/24", {code: "10" for code in areas})
    link.metric = other
    link.save()


def revise_our_own_figure(link, areas, returns):
    value = Value.objects.get(indicator=link.indicator, period__code="2022-23-Q4")
    revised = revise_value(
        value=value, entries={"figure": Decimal("5")}, by=returns.officer, reason="Recounted"
    )
    approve_value(value=revised, by=returns.approver)


def change_our_area_code(link, areas, returns):
    council = Council.objects.get()
    council.ons_code = "E06000901"  # now we are Aston
    council.save()


CHANGES = [
    revise_a_published_figure,
    revise_a_published_figure_with_an_update,
    revise_a_published_figure_in_plain_sql,
    publish_a_new_year,
    leave_a_council_out_of_the_group,
    add_a_council_to_the_group,
    turn_the_metric_round,
    link_another_metric,
    revise_our_own_figure,
    change_our_area_code,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: c.__name__)
def test_no_kept_position_outlives_a_change(world, change):
    _council, link, areas, returns = world
    before = read(link)
    assert is_kept(link)

    change(link, areas, returns)

    assert not is_kept(link)
    after = read(link)
    assert after == afresh(link)
    assert after != before, "the change should change the positions"
    assert is_kept(link)


def test_positions_worked_out_while_a_change_commits_are_never_used(world, monkeypatch):
    """The generations are read before the figures: positions worked out from figures older
    than a change are kept under the generation before it, and passed over."""
    _council, link, areas, returns = world
    worked_out = links_positions

    def a_change_commits_meanwhile(links, *, council):
        positions = worked_out(links, council=council)
        revise_a_published_figure(link, areas, returns)
        return positions

    monkeypatch.setattr(kept, "links_positions", a_change_commits_meanwhile)
    stale = read(link)
    monkeypatch.setattr(kept, "links_positions", worked_out)

    assert not is_kept(link)
    assert read(link) != stale
    assert read(link) == afresh(link)


def test_positions_kept_in_another_layout_are_not_used(world, monkeypatch):
    _council, link, _areas, _returns = world
    read(link)
    monkeypatch.setattr(kept, "LAYOUT", kept.LAYOUT + 1)

    assert not is_kept(link)
    assert read(link) == afresh(link)
    assert is_kept(link)


def test_a_scorecard_still_compares_when_positions_cannot_be_kept(world, monkeypatch):
    council, link, _areas, _returns = world

    def refused(*args, **kwargs):
        from django.db import OperationalError

        raise OperationalError("database is locked")

    monkeypatch.setattr(KeptPositions.objects, "bulk_create", refused)
    compared = compared_for([link.indicator_id], council=council, ends_by=AFTER_BOTH_YEARS)

    assert compared[link.indicator_id].rank_label == "3rd of 5"
    assert not is_kept(link)


def test_the_worker_works_out_again_what_a_change_left_behind(
    world, django_capture_on_commit_callbacks
):
    _council, link, areas, returns = world
    read(link)
    with django_capture_on_commit_callbacks(execute=True):
        revise_our_own_figure(link, areas, returns)

    # The tasks worker (immediate in tests) refreshed the readings and the positions.
    assert is_kept(link)
    assert read(link) == afresh(link)

    revise_a_published_figure(link, areas, returns)
    assert refresh_positions.enqueue().return_value == 1
    assert is_kept(link)


def test_an_import_moves_the_published_generation_once_a_batch_on_postgresql(world, monkeypatch):
    """PostgreSQL's trigger runs once a statement: each batch of new figures is one statement,
    so a million-figure import rewrites the generation row a few hundred times, not a million
    (one row rewritten a million times in one transaction slows every rewrite). SQLite's runs
    once a row and rewrites the row in place."""
    from benchmarking import importing
    from benchmarking.models import PublishedGeneration

    _council, link, areas, _returns = world
    monkeypatch.setattr(importing, "BATCH", 2)
    before = PublishedGeneration.objects.get(pk=1).number
    rows = [
        (link.metric_id, area.pk, "2024/25", datetime.date(2024, 4, 1), datetime.date(2025, 3, 31))
        + (Decimal(n), "", None, None, "Test release 2025")
        for n, area in enumerate(areas.values())
    ]

    importing._insert_values(rows)

    moved = PublishedGeneration.objects.get(pk=1).number - before
    assert moved == (3 if connection.vendor == "postgresql" else 5)  # 5 figures, batches of 2
    assert ExternalValue.objects.filter(period="2024/25").count() == 5
