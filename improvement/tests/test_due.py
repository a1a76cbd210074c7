"""Improvement actions in "Your returns" (overdue ones, for their owner) and in the sign-off
queue (submitted updates, for the approvers of the action's unit)."""

import datetime

import pytest
from django.urls import reverse

from improvement.tests.factories import ImprovementActionFactory
from improvement.workflow import record_action_update, submit_action_update
from indicators.models import Period
from organisation.tests.personas import OPEN_PERIOD, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(town):
    """Waste's action, due 30 September 2026: overdue on 16 October, the town's today."""
    return ImprovementActionFactory(
        finding__unit=town.waste,
        reference="IA 2026/14 R3",
        description="Weigh every commercial round",
        owner=town.person("officer"),
        due_on=datetime.date(2026, 9, 30),
    )


def page(client, person, name) -> str:
    return sign_in(client, person).get(reverse(name)).content.decode()


def test_an_overdue_action_waits_on_its_owners_returns(client, town, overdue):
    text = page(client, town.person("officer"), "returns:mine")

    assert "Other returns waiting for you" in text
    assert "IA 2026/14 R3 Weigh every commercial round" in text
    assert "Due 30 September 2026" in text
    assert reverse("improvement:action", args=[overdue.pk]) in text


def test_nobody_else_is_shown_someone_elses_action(client, town, overdue):
    assert "IA 2026/14 R3" not in page(client, town.person("approver"), "returns:mine")


def test_a_submitted_update_waits_for_the_units_approver_only(client, town, overdue):
    officer = town.person("officer")
    update = record_action_update(
        action=overdue,
        period=Period.objects.get(code=OPEN_PERIOD),
        entries={"reported_state": "in_progress", "progress": "Half the rounds weighed"},
        by=officer,
    )
    submit_action_update(update=update, by=officer)

    waiting = page(client, town.person("approver"), "returns:sign_off")
    assert "Other returns waiting for sign-off" in waiting
    assert "IA 2026/14 R3 Weigh every commercial round" in waiting
    assert "Improvement action update" in waiting
    assert "IA 2026/14 R3" not in page(client, town.person("other_approver"), "returns:sign_off")
