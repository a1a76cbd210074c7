"""The organisation-wide scorecard page: who sees it, what it shows, how many queries."""

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Period, Target
from indicators.periods import ensure_periods
from indicators.tests.factories import IndicatorFactory, ReportingCycleFactory
from organisation.models import Role
from organisation.tests.factories import CouncilFactory, UserFactory
from scorecards.tests.builders import Returns
from strategy.tests.factories import AmbitionFactory, OutcomeFactory

pytestmark = pytest.mark.django_db

QUERY_BASELINE = json.loads((Path(__file__).parent / "query_counts.json").read_text())
URL = reverse("scorecards:organisation")


@pytest.fixture
def framework(time_machine_today):
    """Two ambitions, each with an outcome; periods for 2024/25 and 2025/26."""
    ensure_periods(first_year=2024, last_year=2025)
    council = CouncilFactory(name="Testshire Council")
    greener = OutcomeFactory(ambition=AmbitionFactory(title="A greener Testshire", order=1))
    homes = OutcomeFactory(ambition=AmbitionFactory(title="Good homes for all", order=2))
    return council, greener, homes


@pytest.fixture
def time_machine_today(monkeypatch):
    """Pin the scorecard's idea of today to 24 November 2025 (latest quarter: Q2 2025/26)."""
    today = datetime.date(2025, 11, 24)
    monkeypatch.setattr("scorecards.views.timezone.localdate", lambda: today)
    return today


@pytest.fixture
def councillor(client):
    user = UserFactory(roles=[Role.COUNCILLOR])
    client.force_login(user)
    return user


def strategic(outcome, returns, figures, *, target=None, **fields):
    indicator = IndicatorFactory(in_sets=["strategic"], outcomes=[outcome], **fields)
    for code, figure in figures.items():
        returns.signed_off(indicator, code, figure)
    if target is not None:
        Target.objects.create(
            indicator=indicator, period=Period.objects.get(code="2025-26-Q2"), value=target
        )
    return indicator


def test_anonymous_visitors_are_sent_to_sign_in(client, framework):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_shows_each_ambition_with_its_indicators_judged(client, framework, councillor):
    _, greener, homes = framework
    returns = Returns()
    strategic(
        greener,
        returns,
        {"2025-26-Q1": "40.0", "2025-26-Q2": "44.2"},
        title="Household waste recycled",
        target=Decimal("45"),
    )
    strategic(
        homes,
        returns,
        {"2025-26-Q1": "150", "2025-26-Q2": "171"},
        title="Households in temporary accommodation",
        unit="households",
        precision=0,
        polarity="lower_is_better",
        target=Decimal("140"),
    )

    response = client.get(URL)
    page = response.content.decode()

    assert response.status_code == 200
    assert "Organisation scorecard: Q2 2025/26" in page
    assert page.index("A greener Testshire") < page.index("Good homes for all")
    assert "Household waste recycled" in page
    assert "44.2%" in page and "45.0%" in page
    # 44.2 against 45 with the default 5% tolerance is Amber; 171 against 140 is Red.
    greener_section = page[
        page.index(">A greener Testshire</a></h2>") : page.index(">Good homes for all</a></h2>")
    ]
    assert ">Amber<" in greener_section and "Improving" in greener_section
    homes_section = page[page.index(">Good homes for all</a></h2>") :]
    assert ">Red<" in homes_section and "Worsening" in homes_section


def test_figures_awaiting_sign_off_are_not_shown(client, framework, councillor):
    _, greener, _ = framework
    returns = Returns()
    indicator = strategic(
        greener,
        returns,
        {},
        title="Missed bins per 100,000 collections",
        unit="per 100,000",
        polarity="lower_is_better",
    )
    returns.submitted(indicator, "2025-26-Q2", "987.6")
    ReportingCycleFactory(period=Period.objects.get(code="2025-26-Q2"))

    page = client.get(URL).content.decode()

    assert "987.6" not in page
    assert ">Missing<" in page  # deadline (20 October) has passed without a signed-off figure


def test_period_switcher_shows_an_earlier_quarter(client, framework, councillor):
    _, greener, _ = framework
    strategic(greener, Returns(), {"2025-26-Q1": "40.0"}, title="Household waste recycled")

    response = client.get(URL, {"period": "2025-26-Q1"})

    assert "Organisation scorecard: Q1 2025/26" in response.content.decode()
    assert "40.0%" in response.content.decode()


def test_unknown_or_unfinished_quarters_are_not_found(client, framework, councillor):
    assert client.get(URL, {"period": "2025-26-Q4"}).status_code == 404
    assert client.get(URL, {"period": "nonsense"}).status_code == 404


def test_query_count_does_not_grow_with_indicators(client, framework, councillor):
    _, greener, homes = framework
    returns = Returns()
    figures = {"2025-26-Q1": "50", "2025-26-Q2": "55"}
    for outcome in (greener, homes):
        strategic(outcome, returns, figures, target=Decimal("52"))

    client.get(URL)  # counted once its readings are kept (scorecards.stored)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    for _ in range(10):
        strategic(greener, returns, figures, target=Decimal("52"))
        strategic(homes, returns, figures, target=Decimal("52"))
    client.get(URL)
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).status_code == 200

    assert len(many) == len(few)
    assert len(many) == QUERY_BASELINE["organisation_scorecard"]
