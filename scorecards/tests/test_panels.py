"""Other capabilities add panels to the directorate and indicator pages; none by default."""

import datetime

import pytest
from django.urls import reverse

from indicators.periods import ensure_periods
from indicators.tests.factories import IndicatorFactory
from organisation.models import Role
from organisation.tests.factories import CouncilFactory, DirectorateFactory, UserFactory
from scorecards import panels

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, monkeypatch):
    ensure_periods(first_year=2025, last_year=2025)
    CouncilFactory()
    monkeypatch.setattr("scorecards.views.timezone.localdate", lambda: datetime.date(2025, 11, 24))
    client.force_login(UserFactory(roles=[Role.COUNCILLOR]))
    return client


def finance_panel(directorate, period):
    if directorate.code != "place":
        return None
    return panels.Panel(
        title="Finance",
        anchor="finance",
        template="components/summary_list.html",
        context={},
    )


def test_a_registered_panel_appears_only_where_it_has_something(signed_in, monkeypatch):
    monkeypatch.setattr(panels, "DIRECTORATE_PANELS", [finance_panel])
    place = DirectorateFactory(code="place", name="Place")
    people = DirectorateFactory(code="people", name="People")
    IndicatorFactory(owner=place)
    IndicatorFactory(owner=people)

    place_page = signed_in.get(reverse("scorecards:directorate", args=["place"])).content
    people_page = signed_in.get(reverse("scorecards:directorate", args=["people"])).content

    assert b'id="finance">Finance</h2>' in place_page
    assert b'id="finance"' not in people_page


def test_an_indicator_page_shows_its_registered_panels(signed_in, monkeypatch):
    indicator = IndicatorFactory(code="WST-01")

    def risks(subject, period):
        return panels.Panel("Risks", "risks", "components/summary_list.html", {})

    monkeypatch.setattr(panels, "INDICATOR_PANELS", [risks])

    page = signed_in.get(reverse("scorecards:indicator", args=[indicator.code])).content

    assert b'id="risks">Risks</h2>' in page
