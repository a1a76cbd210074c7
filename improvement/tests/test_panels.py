"""The "Improvement actions" panels on the directorate scorecard and the indicator page."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from improvement.panels import directorate_panel, indicator_panel
from improvement.tests.factories import ImprovementActionFactory
from indicators.models import Indicator, Period
from organisation.tests.factories import UserFactory
from organisation.tests.personas import OPEN_PERIOD, sign_in
from scorecards import panels
from scorecards.panels import DIRECTORATE_PANELS, INDICATOR_PANELS

pytestmark = pytest.mark.django_db


def test_both_panels_are_registered():
    assert directorate_panel in DIRECTORATE_PANELS
    assert indicator_panel in INDICATOR_PANELS


@pytest.fixture
def only_ours(monkeypatch):
    """The pages show these panels alone, whatever other apps register."""
    monkeypatch.setattr(panels, "DIRECTORATE_PANELS", [directorate_panel])
    monkeypatch.setattr(panels, "INDICATOR_PANELS", [indicator_panel])


@pytest.fixture
def actions(town, only_ours):
    owner = UserFactory(first_name="Sam", last_name="Carter")
    late = ImprovementActionFactory(
        finding__unit=town.waste,
        finding__reference="IA 2026/14",
        reference="IA 2026/14 R3",
        description="Weigh every commercial round",
        owner=owner,
        due_on=datetime.date(2026, 9, 30),
    )
    done = ImprovementActionFactory(
        finding__unit=town.waste,
        reference="IA 2026/14 R4",
        description="Publish the tonnage",
        owner=owner,
        state="complete",
    )
    for action in (late, done):
        action.indicators.add(Indicator.objects.get(code="WST-03"))
    return late, done


def test_the_directorate_panel_lists_open_actions_with_lateness_in_words(town, actions):
    panel = directorate_panel(town.place, Period.objects.get(code=OPEN_PERIOD))

    assert panel.title == "Improvement actions"
    assert [row.action for row in panel.context["rows"]] == [actions[0]]

    page = sign_in(client_for(), town.person("councillor")).get(
        reverse("scorecards:directorate", args=["place"])
    )
    text = page.content.decode()
    assert 'id="improvement-actions">Improvement actions</h2>' in text
    assert "IA 2026/14 R3" in text
    assert "Internal audit (IA 2026/14)" in text
    assert "Sam Carter" in text
    assert "30 Sep 2026" in text
    assert "Overdue" in text
    assert "16 days late against the date first agreed" in text
    assert "IA 2026/14 R4" not in text


def test_a_directorate_with_no_open_actions_has_no_panel(town, actions):
    assert directorate_panel(town.people, Period.objects.get(code=OPEN_PERIOD)) is None


def test_the_indicator_panel_lists_every_linked_action_open_first(town, actions):
    page = sign_in(client_for(), town.person("councillor")).get(
        reverse("scorecards:indicator", args=["WST-03"])
    )
    text = page.content.decode()

    assert 'id="improvement-actions">Improvement actions</h2>' in text
    assert text.index("IA 2026/14 R3") < text.index("IA 2026/14 R4")
    assert "Complete" in text
    assert indicator_panel(Indicator.objects.get(code="WST-01"), None) is None


def client_for():
    return Client()
