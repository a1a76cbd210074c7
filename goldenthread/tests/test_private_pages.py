"""Staff pages are never kept by a browser or a proxy; the public site stays cacheable."""

import pytest
from django.urls import reverse

from organisation.tests.personas import build_town

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    return build_town()


@pytest.mark.parametrize(
    "address",
    [
        reverse("scorecards:organisation"),
        reverse("returns:mine"),
        reverse("reports:list"),
        "/admin/",
        "/admin/indicators/value/",
    ],
)
def test_a_signed_in_page_is_not_stored(client, town, address):
    client.force_login(town.person("admin"))

    response = client.get(address)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_the_value_page_of_an_officer_is_not_stored(client, town):
    client.force_login(town.person("officer"))

    response = client.get(reverse("returns:value", args=[town.draft.pk]))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_sign_in_page_is_not_stored(client):
    response = client.get(reverse("login"))

    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_public_site_stays_cacheable(client, town, signed_in):
    if signed_in:
        client.force_login(town.person("performance"))

    response = client.get(reverse("publishing:home"))

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"


def test_a_browser_asking_for_an_icon_is_told_there_is_none(client, db):
    """The admin's pages name no icon, so browsers ask for /favicon.ico: answered with No
    Content, never a 404 in the browser's console."""
    response = client.get("/favicon.ico")

    assert response.status_code == 204
    assert response.content == b""
