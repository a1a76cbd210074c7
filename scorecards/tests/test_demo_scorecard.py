"""The organisation scorecard with the whole demo council: complete, and still bounded."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from demo.council import STABLE_CODES, STEP_CHANGE_CODES
from indicators.models import Indicator, Period
from organisation.models import User
from organisation.queries import current_council
from scorecards.queries import organisation_scorecard, strategic_indicators
from scorecards.readings import read_indicators
from scorecards.tests.test_organisation_page import QUERY_BASELINE
from status.spc import Variation, spc_reading
from strategy.models import Ambition

pytestmark = pytest.mark.django_db

DEMO_TODAY = datetime.date(2026, 11, 24)


@pytest.fixture
def demo(monkeypatch):
    call_command("load_demo", "--today", DEMO_TODAY.isoformat(), verbosity=0)
    monkeypatch.setattr("scorecards.views.timezone.localdate", lambda: DEMO_TODAY)


# One test, because loading the demo council takes several seconds.
def test_the_demo_scorecard_is_complete_bounded_and_finds_signals(client, demo):
    client.force_login(User.objects.get(username="councillor"))

    client.get(reverse("scorecards:organisation"))  # counted once its readings are kept
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("scorecards:organisation"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Organisation scorecard: Q2 2026/27" in page
    for ambition in Ambition.objects.all():
        assert f">{ambition.title}</a></h2>" in page
    strategic = strategic_indicators(period=Period.objects.get(code="2026-27-Q2"))
    assert len(strategic) >= 30
    for indicator in strategic:
        assert indicator.code in page
    # The demo's waste indicators are compared with other councils: one more query, their
    # kept positions (benchmarking.kept), however many are linked.
    assert len(queries) == QUERY_BASELINE["organisation_scorecard"] + 1
    assert "Compared with other councils" in page

    # Every strategic indicator is judged, and the demo has every kind of status.
    period = Period.objects.get(code="2026-27-Q2")
    scorecard = organisation_scorecard(period=period, today=DEMO_TODAY, council=current_council())

    counts = scorecard.roll_up.statuses
    assert scorecard.roll_up.total == scorecard.indicator_count
    assert counts["green"] and counts["amber"] and counts["red"]
    assert counts["missing"]  # the demo's late returns, past their deadline

    # SPC finds the deliberate step changes, and leaves the pure-noise series alone.
    stepped = list(Indicator.objects.filter(code__in=STEP_CHANGE_CODES))
    stable = list(Indicator.objects.filter(code__in=STABLE_CODES))

    readings = read_indicators(
        stepped + stable, period, today=DEMO_TODAY, council=current_council()
    )

    for indicator in stepped:
        # Read across the whole series the rules find the step; the demo recalculates the
        # limits from it, so the reading is of the new phase, drawn beside the old one.
        reading = readings[indicator.pk]
        whole = spc_reading([figure for _, figure in reading.series], indicator.polarity)
        assert any(point.special_cause for point in whole.chart.points), indicator.code
        assert reading.spc.is_recalculated and reading.spc.chart is not None, indicator.code
        first, latest = reading.spc.phases
        assert first.chart is not None and latest.chart is not None, indicator.code
        assert abs(latest.chart.centre - first.chart.centre) > 3 * first.chart.mr_bar
    for indicator in stable:
        assert readings[indicator.pk].spc.variation is Variation.common_cause, indicator.code
