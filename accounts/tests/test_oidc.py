"""Single sign-on through a real OpenID provider (the stub in oidc_provider.py, over HTTP):
who is signed in, who is refused, and that every refusal lands on the sign-in page."""

import html

import pytest
from django.contrib.auth.hashers import is_password_usable
from django.urls import reverse

from accounts import oidc
from accounts.sign_in import METHOD_KEY
from accounts.tests import oidc_provider
from accounts.tests.conftest import (
    at_the_provider,
    back_at_the_site,
    is_signed_in,
    sign_in_with_provider,
    to_the_provider,
)
from organisation.models import User
from organisation.permissions import roles_of, scope_unit_ids
from organisation.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def problem_shown(client, response) -> str:
    """Follow a refusal to the sign-in page; the page's text."""
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    page = client.get(response["Location"])
    assert page.status_code == 200
    content = html.unescape(page.content.decode())
    assert "There is a problem" in content
    assert 'href="#sign-in-with-provider"' in content
    return content


def test_the_sign_in_page_offers_the_provider(client, provider):
    page = client.get(reverse("login") + "?next=/returns/").content.decode()

    assert "Sign in with Microsoft" in page
    assert f'href="{reverse("oidc_authentication_init")}?next=%2Freturns%2F"' in page
    assert 'name="password"' in page  # passwords stay on unless switched off


def test_without_a_provider_there_is_no_button_and_no_way_in(client):
    page = client.get(reverse("login")).content.decode()

    assert "Sign in with" not in page
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert (
        client.get(reverse("oidc_authentication_callback") + "?code=x&state=y").status_code == 404
    )


def test_a_person_is_matched_by_email_ignoring_case_and_signed_in(client, town, provider):
    provider.person = {"sub": "entra-1", "email": "PERFORMANCE@Example.GOV.uk"}

    location = to_the_provider(client, next_url=reverse("returns:cycles"))
    assert location.startswith(provider.endpoint("authorize") + "?")
    assert "code_challenge=" in location and "nonce=" in location
    response = back_at_the_site(client, at_the_provider(location))

    assert response.status_code == 302
    assert response["Location"] == reverse("returns:cycles")
    page = client.get(response["Location"])
    assert page.status_code == 200  # a page for the performance team only
    assert "Priya Perform" in page.content.decode()
    assert client.session[METHOD_KEY] == "sso"
    assert int(client.session["_auth_user_id"]) == town.person("performance").pk
    # The site itself fetched the token, the provider's keys and the person's details.
    assert provider.seen == ["GET /authorize", "POST /token", "GET /jwks", "GET /userinfo"]


def test_without_a_next_page_the_person_lands_on_the_scorecard(client, town, provider):
    provider.person = {"email": "councillor@example.gov.uk"}

    response = sign_in_with_provider(client)

    assert response["Location"] == reverse("scorecards:organisation")
    assert client.get(response["Location"]).status_code == 200


def test_signing_out_after_single_sign_on(client, town, provider):
    provider.person = {"email": "officer@example.gov.uk"}
    sign_in_with_provider(client)

    response = client.post(reverse("logout"))

    assert response["Location"] == reverse("login")
    assert not is_signed_in(client)


def test_someone_with_no_account_is_refused_and_no_account_is_made(client, town, provider):
    provider.person = {"email": "stranger@example.gov.uk"}
    people = User.objects.count()

    page = problem_shown(client, sign_in_with_provider(client))

    assert oidc.NO_ACCOUNT.format(email="stranger@example.gov.uk") in page
    assert User.objects.count() == people
    assert not is_signed_in(client)


def test_an_account_is_made_when_allowed_but_never_with_roles_from_the_claims(
    client, town, provider, settings
):
    settings.OIDC_CREATE_USER = True
    provider.person = {
        "email": "New.Starter@example.gov.uk",
        "given_name": "Nia",
        "family_name": "Starter",
        # What a provider might say about the person: never believed.
        "roles": ["Administrator", "Performance team"],
        "groups": ["administrator"],
        "wids": ["62e90394-69f5-4237-9190-012177145e10"],
    }

    response = sign_in_with_provider(client)

    person = User.objects.get(email="New.Starter@example.gov.uk")
    assert (person.username, person.get_full_name()) == (
        "new.starter@example.gov.uk",
        "Nia Starter",
    )
    assert not person.is_staff and not person.is_superuser
    assert list(person.groups.all()) == []
    assert roles_of(person) == set() and scope_unit_ids(person) == frozenset()
    assert not is_password_usable(person.password)
    assert response["Location"] == reverse("accounts:account")
    account = client.get(response["Location"]).content.decode()
    assert "Ask your performance team for access" in account
    assert "None yet" in account


def test_two_accounts_with_the_same_email_are_refused(client, town, provider):
    UserFactory(username="officer-2", email="Officer@example.gov.uk")
    provider.person = {"email": "officer@example.gov.uk"}

    page = problem_shown(client, sign_in_with_provider(client))

    assert oidc.SAME_EMAIL.format(email="officer@example.gov.uk", provider="Microsoft") in page
    assert not is_signed_in(client)


def test_a_deactivated_person_cannot_sign_in(client, town, provider):
    User.objects.filter(username="officer").update(is_active=False)
    provider.person = {"email": "officer@example.gov.uk"}

    page = problem_shown(client, sign_in_with_provider(client))

    assert oidc.DEACTIVATED in page
    assert not is_signed_in(client)


@pytest.mark.parametrize(
    "tamper",
    [
        oidc_provider.SIGNATURE,
        oidc_provider.NONCE,
        oidc_provider.AUDIENCE,
        oidc_provider.EXPIRED,
    ],
)
def test_an_id_token_that_fails_its_checks_is_refused(client, town, provider, tamper):
    provider.person = {"email": "performance@example.gov.uk"}
    provider.tamper.add(tamper)

    page = problem_shown(client, sign_in_with_provider(client))

    assert oidc.FAILED.format(provider="Microsoft") in page
    assert not is_signed_in(client)


def test_an_id_token_from_another_issuer_is_refused_when_the_issuer_is_set(
    client, town, provider, settings
):
    provider.person = {"email": "performance@example.gov.uk"}
    settings.OIDC_ISSUER = "https://login.microsoftonline.com/the-councils-tenant/v2.0"

    problem_shown(client, sign_in_with_provider(client))
    settings.OIDC_ISSUER = provider.issuer
    sign_in_with_provider(client)

    assert is_signed_in(client)


def test_a_state_this_browser_never_sent_is_refused_before_any_code_is_used(client, town, provider):
    provider.person = {"email": "performance@example.gov.uk"}
    callback = at_the_provider(to_the_provider(client))

    page = problem_shown(client, back_at_the_site(client, callback, state="forged-state"))

    assert oidc.FAILED.format(provider="Microsoft") in page
    assert "POST /token" not in provider.seen
    assert not is_signed_in(client)


def test_a_callback_from_another_browser_is_refused(client, town, provider, django_user_model):
    """Login CSRF: an attacker's own callback address, opened in the victim's browser."""
    from django.test import Client

    attacker = Client()
    provider.person = {"email": "councillor@example.gov.uk"}
    callback = at_the_provider(to_the_provider(attacker))

    problem_shown(client, back_at_the_site(client, callback))

    assert not is_signed_in(client)


def test_a_callback_cannot_be_replayed(client, town, provider):
    provider.person = {"email": "performance@example.gov.uk"}
    callback = at_the_provider(to_the_provider(client))
    back_at_the_site(client, callback)
    client.post(reverse("logout"))

    problem_shown(client, back_at_the_site(client, callback))

    assert not is_signed_in(client)


def test_the_provider_refusing_or_the_person_cancelling_is_explained(client, town, provider):
    callback = at_the_provider(to_the_provider(client))

    response = back_at_the_site(client, callback, error="access_denied", code="")

    assert oidc.CANCELLED.format(provider="Microsoft") in problem_shown(client, response)


def test_a_provider_that_gives_no_email_address_is_explained(client, town, provider):
    provider.person = {"email": "performance@example.gov.uk"}
    provider.tamper.add(oidc_provider.NO_EMAIL)

    page = problem_shown(client, sign_in_with_provider(client))

    assert oidc.NO_EMAIL.format(provider="Microsoft") in page


def test_an_email_address_the_provider_has_not_verified_is_refused(client, town, provider):
    provider.person = {"email": "performance@example.gov.uk", "email_verified": False}

    page = problem_shown(client, sign_in_with_provider(client))

    assert oidc.UNVERIFIED_EMAIL.format(provider="Microsoft") in page
    assert not is_signed_in(client)


def test_a_provider_that_cannot_be_reached_is_a_message_not_an_error_page(
    client, town, provider, settings
):
    provider.person = {"email": "performance@example.gov.uk"}
    callback = at_the_provider(to_the_provider(client))
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/token"  # nothing listens there

    page = problem_shown(client, back_at_the_site(client, callback))

    assert oidc.FAILED.format(provider="Microsoft") in page
