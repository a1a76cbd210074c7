"""The framework's front page: the performance team and administrators only."""

import pytest
from django.urls import reverse

from organisation.tests.personas import PERSONAS, build_town, sign_in

pytestmark = pytest.mark.django_db

ALLOWED = {"performance", "admin"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_performance_team_and_administrators_open_it(client, persona):
    town = build_town()
    response = sign_in(client, town.personas[persona]).get(reverse("framework:home"))

    if persona == "anonymous":
        assert response.status_code == 302 and "/sign-in/" in response["Location"]
    elif persona in ALLOWED:
        assert response.status_code == 200
        assert "Manage the framework" in response.content.decode()
    else:
        assert response.status_code == 403


def test_the_menu_offers_it_to_the_performance_team_only(client):
    town = build_town()
    home = reverse("framework:home")

    assert (
        f'href="{home}"'
        in sign_in(client, town.personas["performance"])
        .get(reverse("scorecards:organisation"))
        .content.decode()
    )
    assert (
        f'href="{home}"'
        not in sign_in(client, town.personas["director"])
        .get(reverse("scorecards:organisation"))
        .content.decode()
    )
