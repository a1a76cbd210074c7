"""The way in: `/` for someone not signed in, and the links between the public site and sign-in."""

import pytest
from django.urls import reverse

from organisation.tests.personas import PERSONAS, sign_in

pytestmark = pytest.mark.django_db


def test_someone_not_signed_in_sees_the_way_in_not_the_sign_in_page(client, town):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    page = response.content.decode()
    assert town.council.name in page
    assert f'href="{reverse("publishing:home")}"' in page
    assert f'href="{reverse("login")}"' in page
    assert "Go to the public performance site" in page


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_people_signed_in_go_to_their_scorecard(client, town, persona):
    response = sign_in(client, town.person(persona)).get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("scorecards:organisation")


def test_the_sign_in_page_leads_residents_to_the_public_site(client, town):
    page = client.get(reverse("login")).content.decode()

    assert f'href="{reverse("publishing:home")}"' in page
    assert "go to the public performance site" in page


def test_the_public_site_leads_staff_to_sign_in(client, town):
    page = client.get(reverse("publishing:home")).content.decode()

    assert f'href="{reverse("login")}">Sign in (council staff)</a>' in page
