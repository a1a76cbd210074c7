"""The database unavailable for a moment: a person gets the "try again in a few minutes" page
(503, with Retry-After), never a stack trace or a 500; once it is back, the same request works.

The fault is injected where the database is first touched: opening a cursor raises the
driver's own OperationalError, as when the server restarts or refuses connections.
"""

import pytest
from django.db import InterfaceError, OperationalError, connections
from django.test import RequestFactory
from django.urls import reverse

from goldenthread.middleware import server_error
from indicators.models import Value
from organisation.tests.personas import build_town, sign_in

pytestmark = pytest.mark.django_db

SORRY = "Sorry, there is a problem with the service"


@pytest.fixture
def town():
    return build_town()


@pytest.fixture
def database():
    """`database.goes_down()`: every new cursor then fails as if the server had gone, until
    `database.comes_back()`."""
    wrapper = connections["default"]

    def refuse(name=None):
        raise wrapper.Database.OperationalError("server closed the connection unexpectedly")

    class Fault:
        @staticmethod
        def goes_down():
            wrapper.create_cursor = refuse

        @staticmethod
        def comes_back():
            wrapper.__dict__.pop("create_cursor", None)

    yield Fault
    Fault.comes_back()


def assert_try_again_page(response):
    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "120"
    assert "no-store" in response["Cache-Control"]
    assert f'<h1 class="govuk-heading-l">{SORRY}</h1>' in page
    assert "Try again in a few minutes." in page
    assert "Traceback" not in page and "OperationalError" not in page
    assert "server closed the connection" not in page


@pytest.mark.parametrize(
    ("person", "page"),
    [
        ("officer", lambda town: reverse("returns:value", args=[town.draft.pk])),
        ("performance", lambda town: reverse("scorecards:organisation")),
        (None, lambda town: reverse("publishing:home")),
    ],
)
def test_a_page_asked_for_while_the_database_is_down_says_try_again_then_works(
    client, town, database, person, page
):
    sign_in(client, town.person(person) if person else None)
    address = page(town)
    database.goes_down()

    assert_try_again_page(client.get(address))

    database.comes_back()
    assert client.get(address).status_code == 200


def test_a_change_sent_while_the_database_is_down_changes_nothing(client, town, database):
    sign_in(client, town.person("officer"))
    figures = Value.objects.order_by("pk").values_list("pk", "figure", "lock_version")
    before = list(figures)
    database.goes_down()

    response = client.post(
        reverse("returns:value", args=[town.draft.pk]),
        {"revise": "1", "figure": "70", "reason": "Late correction", "lock_version": 1},
    )

    assert_try_again_page(response)
    database.comes_back()
    assert list(figures.all()) == before


@pytest.mark.parametrize("failure", [OperationalError("gone"), InterfaceError("closed")])
def test_a_database_failure_outside_a_view_gets_the_same_page(failure):
    """Another middleware asking who is signed in fails before any view: Django's 500
    handler (ours) answers it."""
    request = RequestFactory().get("/scorecards/")
    try:
        raise failure
    except type(failure):
        response = server_error(request)

    assert_try_again_page(response)


def test_any_other_failure_is_still_the_500_page():
    request = RequestFactory().get("/scorecards/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)

    assert response.status_code == 500
    assert SORRY in response.content.decode() and "Try again later." in response.content.decode()
