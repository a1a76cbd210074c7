"""Directors and the performance team write the narrative beside a scorecard."""

import datetime

import pytest
from django.urls import reverse

from indicators.periods import ensure_periods
from indicators.tests.factories import IndicatorFactory
from organisation.models import Role
from organisation.tests.factories import (
    CouncilFactory,
    DirectorateFactory,
    OrgUnitFactory,
    UserFactory,
)
from scorecards.models import Narrative
from scorecards.tests.builders import Returns
from strategy.tests.factories import AmbitionFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 11, 24)


@pytest.fixture(autouse=True)
def quarters(monkeypatch):
    ensure_periods(first_year=2025, last_year=2025)
    CouncilFactory()
    monkeypatch.setattr("scorecards.views.timezone.localdate", lambda: TODAY)


@pytest.fixture
def place():
    return DirectorateFactory(name="Place", code="place")


def narrative_url(directorate):
    return reverse("scorecards:directorate_narrative", args=[directorate.code])


def write(client, url, **fields):
    data = {"going_well": "", "not_going_well": "", "being_done": "", **fields}
    return client.post(f"{url}?period=2025-26-Q2", data)


def test_a_director_writes_their_directorates_narrative(client, place):
    client.force_login(
        UserFactory(first_name="Dana", last_name="Reid", roles=[Role.DIRECTOR], units=[place])
    )

    response = write(
        client,
        narrative_url(place),
        going_well="Recycling is at a record high",
        being_done="Extra rounds for flats",
    )
    page = client.get(
        reverse("scorecards:directorate", args=["place"]), {"period": "2025-26-Q2"}
    ).content.decode()

    assert response.status_code == 302
    narrative = Narrative.objects.get(unit=place, period__code="2025-26-Q2")
    assert narrative.going_well == "Recycling is at a record high"
    assert "Recycling is at a record high" in page
    assert "Extra rounds for flats" in page
    assert "Written by Dana Reid" in page


def test_saving_again_replaces_the_narrative_for_the_quarter(client, place):
    client.force_login(UserFactory(roles=[Role.PERFORMANCE_TEAM]))

    write(client, narrative_url(place), going_well="First")
    write(client, narrative_url(place), not_going_well="Second")

    narrative = Narrative.objects.get(unit=place)
    assert (narrative.going_well, narrative.not_going_well) == ("", "Second")


def test_an_empty_narrative_is_refused_with_a_message(client, place):
    client.force_login(UserFactory(roles=[Role.DIRECTOR], units=[place]))

    response = write(client, narrative_url(place))

    assert response.status_code == 400
    assert "Write at least one part of the narrative" in response.content.decode()
    assert not Narrative.objects.exists()


@pytest.mark.parametrize("role", [Role.COUNCILLOR, Role.DATA_OWNER, Role.DIRECTOR])
def test_others_cannot_write_it(client, place, role):
    elsewhere = DirectorateFactory(name="People")
    client.force_login(UserFactory(roles=[role], units=[elsewhere]))

    response = write(client, narrative_url(place), going_well="Not mine to say")

    assert response.status_code == 403
    assert not Narrative.objects.exists()


def test_the_performance_team_writes_an_ambitions_narrative(client):
    ambition = AmbitionFactory(code="greener", title="A greener place")
    client.force_login(UserFactory(roles=[Role.PERFORMANCE_TEAM]))

    write(
        client,
        reverse("scorecards:ambition_narrative", args=["greener"]),
        going_well="Carbon down 4%",
    )

    assert Narrative.objects.get(ambition=ambition).going_well == "Carbon down 4%"


def test_live_figure_tokens_in_a_directorates_narrative_are_filled_in(client, place):
    service = OrgUnitFactory(parent=place, kind="service", name="Waste", code="waste")
    indicator = IndicatorFactory(code="WST-01", owner=service)
    Returns().signed_off(indicator, "2025-26-Q2", "44.2")
    client.force_login(UserFactory(roles=[Role.DIRECTOR], units=[place]))

    write(
        client,
        narrative_url(place),
        going_well="Recycling reached [value:WST-01] ([status:WST-01]) in [period:WST-01]. "
        "[value:NOPE-99] stays as typed.",
    )
    page = client.get(
        reverse("scorecards:directorate", args=["place"]), {"period": "2025-26-Q2"}
    ).content.decode()

    assert "Recycling reached 44.2% (Data only) in Q2 2025/26." in page
    assert "[value:WST-01]" not in page
    assert "[value:NOPE-99] stays as typed." in page
    # The narrative itself keeps its tokens, to be filled afresh each quarter.
    assert Narrative.objects.get().going_well.startswith("Recycling reached [value:WST-01]")
