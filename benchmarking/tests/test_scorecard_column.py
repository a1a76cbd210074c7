"""The scorecards' "Compared with other councils" column, its filter and its export.

Five areas, ours (Testshire, E06000998) among them; higher is better (see
test_indicator_positions for the hand computation). 2022/23: we signed off 35 for Q4, top
quartile, rank 2 of 5. 2023/24: no year value of ours, the published 27 stands: upper-middle,
rank 3 of 5. A scorecard for a quarter shows the latest published year ended by its end.
"""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from benchmarking.compared import compared_for
from benchmarking.models import BenchmarkLink
from indicators.models import Period
from indicators.periods import ensure_periods
from indicators.tests.factories import IndicatorFactory
from organisation.models import Role
from organisation.tests.factories import CouncilFactory, OrgUnitFactory, UserFactory
from scorecards.filters import Filters
from scorecards.queries import service_scorecard
from scorecards.tests.builders import Returns

from .builders import OURS, make_areas, make_group, make_metric, publish_two_years

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 6, 1)


@pytest.fixture
def world(monkeypatch):
    monkeypatch.setattr("scorecards.views.timezone.localdate", lambda: TODAY)
    ensure_periods(first_year=2022, last_year=2024)
    council = CouncilFactory(ons_code=OURS)
    waste = OrgUnitFactory(council=council, code="waste", name="Waste and Recycling")
    areas = make_areas()
    metric = make_metric()
    publish_two_years(metric, areas)
    compared = IndicatorFactory(code="WST-01", title="Recycling rate", owner=waste)
    alone = IndicatorFactory(code="WST-09", title="Bins collected on time", owner=waste)
    returns = Returns()
    returns.series(compared, ["2022-23-Q3", "2022-23-Q4"], [31, 35])
    returns.series(alone, ["2022-23-Q4"], [98])
    BenchmarkLink.objects.create(indicator=compared, metric=metric, group=make_group(areas))
    return council, waste, compared, alone


def test_a_quarter_shows_the_latest_published_year_ended_by_its_end(world):
    council, _waste, compared, alone = world

    before = compared_for(
        [compared.pk, alone.pk], council=council, ends_by=datetime.date(2023, 12, 31)
    )
    after = compared_for(
        [compared.pk, alone.pk], council=council, ends_by=datetime.date(2024, 3, 31)
    )

    assert alone.pk not in before
    first, latest = before[compared.pk], after[compared.pk]
    assert (first.period, first.quartile, first.rank_label) == ("2022/23", "top", "2nd of 5")
    assert first.figure_source == "our own figure"
    assert (first.figure_shown, first.median_shown) == ("35.0%", "30.0%")
    assert (latest.period, latest.quartile_label, latest.rank_label) == (
        "2023/24",
        "Upper-middle quartile",
        "3rd of 5",
    )
    assert latest.figure_source == "as published by Test Office"
    assert latest.improving == "No"
    assert (
        compared_for([compared.pk], council=council, ends_by=datetime.date(2023, 3, 30)) == {}
    )  # 2022/23 had not ended


def test_the_service_scorecard_shows_the_column_with_the_group_and_period(client, world):
    _council, waste, _compared, _alone = world
    client.force_login(UserFactory(roles=[Role.COUNCILLOR]))

    page = client.get(
        reverse("scorecards:service", args=[waste.code]), {"period": "2023-24-Q4"}
    ).content.decode()

    assert "Compared with other councils" in page
    assert "Upper-middle quartile" in page
    assert "3rd of 5, 2023/24: Test unitaries" in page
    assert "#how-we-compare" in page
    assert '–<span class="govuk-visually-hidden">not compared</span>' in page  # WST-09


def test_the_quartile_filter_keeps_the_chosen_quartiles(client, world):
    council, waste, _compared, _alone = world
    period = Period.objects.get(code="2023-24-Q3")

    def shown(quartiles):
        scorecard = service_scorecard(
            waste,
            period=period,
            today=TODAY,
            council=council,
            filters=Filters(quartiles=frozenset(quartiles)),
        )
        return {r.indicator.code for s in scorecard.sections for r in s.readings}

    assert shown([]) == {"WST-01", "WST-09"}
    assert shown(["top"]) == {"WST-01"}
    assert shown(["bottom", "lower_middle"]) == set()
    assert shown(["not_compared"]) == {"WST-09"}
    assert shown(["top", "not_compared"]) == {"WST-01", "WST-09"}


def test_the_filter_is_offered_through_the_page(client, world):
    _council, waste, _compared, _alone = world
    client.force_login(UserFactory(roles=[Role.COUNCILLOR]))
    url = reverse("scorecards:service", args=[waste.code])

    page = client.get(url, {"period": "2023-24-Q3", "quartile": ["top"]}).content.decode()

    assert "Compared with other councils" in page
    assert "1 of the 2 indicators match the filters" in page
    assert "WST-09" not in page.split('id="headline-counts"')[1]


def test_a_council_with_no_links_gets_no_column(client, world):
    _council, waste, _compared, _alone = world
    BenchmarkLink.objects.all().delete()
    client.force_login(UserFactory(roles=[Role.COUNCILLOR]))

    page = client.get(
        reverse("scorecards:service", args=[waste.code]), {"period": "2023-24-Q4"}
    ).content.decode()

    assert "Compared with other councils" not in page


def test_the_export_carries_the_comparison_and_its_source(client, world):
    _council, waste, _compared, _alone = world
    client.force_login(UserFactory(roles=[Role.COUNCILLOR]))

    response = client.get(
        reverse("scorecards:service", args=[waste.code]), {"period": "2023-24-Q4", "format": "csv"}
    )

    rows = {row["Code"]: row for row in csv.DictReader(io.StringIO(response.content.decode()))}
    assert rows["WST-01"]["Other councils: quartile"] == "Upper-middle quartile"
    assert rows["WST-01"]["Other councils: rank"] == "3rd of 5"
    assert rows["WST-01"]["Other councils: period"] == "2023/24"
    assert rows["WST-01"]["Other councils: group"] == "Test unitaries"
    assert "Test Office (Open Government Licence v3.0)" in rows["WST-01"]["Other councils: source"]
    assert rows["WST-09"]["Other councils: quartile"] == ""
