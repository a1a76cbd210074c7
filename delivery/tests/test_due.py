"""Project updates in "Your returns" (due in the open cycle from the lead service's people)
and in the sign-off queue (submitted ones, for the lead service's approvers)."""

import pytest
from django.urls import reverse

from organisation.tests.personas import OPEN_PERIOD, sign_in

pytestmark = pytest.mark.django_db

TITLE = "DP-01 Food waste collections"


def page(client, person, name) -> str:
    return sign_in(client, person).get(reverse(name)).content.decode()


def test_the_open_cycles_update_is_due_from_the_lead_services_data_owner(client, town, project):
    text = page(client, town.person("officer"), "returns:mine")

    assert "Other returns waiting for you" in text
    assert TITLE in text and "Not started" in text
    assert reverse("delivery:project", args=[project.pk]) in text
    assert TITLE not in page(client, town.person("other_officer"), "returns:mine")


def test_a_submitted_update_leaves_your_returns_and_waits_for_the_approver(
    client, town, project, updates
):
    updates.submitted(project, OPEN_PERIOD, 40)

    assert TITLE not in page(client, town.person("officer"), "returns:mine")
    waiting = page(client, town.person("approver"), "returns:sign_off")
    assert TITLE in waiting and "Project update" in waiting
    assert TITLE not in page(client, town.person("other_approver"), "returns:sign_off")
