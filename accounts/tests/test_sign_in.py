"""Password sign-in, switching it off, and the admin's login, which is no side door."""

import html
import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from accounts.sign_in import METHOD_KEY
from accounts.tests.conftest import PASSWORD, is_signed_in, sign_in_with_provider
from accounts.views import PASSWORDS_OFF

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def passwords_off(settings, provider):
    settings.PASSWORD_SIGN_IN = False
    return settings


def test_a_password_signs_in_and_the_session_says_so(client, town):
    response = client.post(
        reverse("login") + "?next=/returns/", {"username": "officer", "password": PASSWORD}
    )

    assert response["Location"] == "/returns/"
    assert client.session[METHOD_KEY] == "password"
    assert client.get("/returns/").status_code == 200


def test_a_wrong_password_is_a_form_error(client, town):
    response = client.post(reverse("login"), {"username": "officer", "password": "nope"})

    assert response.status_code == 200
    assert "Error: Sign in" in response.content.decode()
    assert not is_signed_in(client)


def test_with_passwords_off_the_form_is_gone(client, passwords_off):
    page = client.get(reverse("login")).content.decode()

    assert "Sign in with Microsoft" in page
    assert 'name="password"' not in page and 'name="username"' not in page
    assert "Demo council" not in page


def test_with_passwords_off_a_right_password_is_refused(client, town, passwords_off):
    response = client.post(reverse("login"), {"username": "performance", "password": PASSWORD})

    assert response.status_code == 403
    assert PASSWORDS_OFF.format(provider="Microsoft") in html.unescape(response.content.decode())
    assert not is_signed_in(client)
    assert not AccessAttempt.objects.exists()  # the password was not even checked


def test_with_passwords_off_single_sign_on_still_works(client, town, passwords_off, provider):
    provider.person = {"email": "performance@example.gov.uk"}

    sign_in_with_provider(client)

    assert is_signed_in(client)


def test_with_passwords_off_a_password_session_ends(client, town, settings, provider):
    client.post(reverse("login"), {"username": "performance", "password": PASSWORD})
    assert is_signed_in(client)

    settings.PASSWORD_SIGN_IN = False

    assert not is_signed_in(client)


@pytest.mark.parametrize("passwords", [True, False])
def test_the_admin_login_sends_people_to_the_sign_in_page(
    client, town, settings, provider, passwords
):
    settings.PASSWORD_SIGN_IN = passwords

    shown = client.get(reverse("admin:login") + "?next=/admin/indicators/")
    posted = client.post(
        reverse("admin:login"),
        {"username": "admin", "password": PASSWORD, "next": "/admin/"},
    )

    assert shown.status_code == 302
    assert shown["Location"] == reverse("login") + "?next=/admin/indicators/"
    assert posted.status_code == 302
    assert posted["Location"].startswith(reverse("login"))
    assert not is_signed_in(client)


def test_a_signed_in_person_who_is_not_staff_is_refused_at_the_admin_login(client, town):
    client.force_login(town.person("councillor"))

    assert client.get(reverse("admin:login") + "?next=/admin/").status_code == 403


def manage_check(**env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GOLDEN_THREAD_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_passwords_cannot_be_switched_off_without_single_sign_on(tmp_path):
    refused = manage_check(
        GOLDEN_THREAD_PASSWORD_SIGN_IN="false", GOLDEN_THREAD_VAR_DIR=str(tmp_path)
    )
    started = manage_check(
        GOLDEN_THREAD_PASSWORD_SIGN_IN="false",
        GOLDEN_THREAD_VAR_DIR=str(tmp_path),
        GOLDEN_THREAD_OIDC_CLIENT_ID="golden-thread",
        GOLDEN_THREAD_OIDC_AUTHORIZATION_ENDPOINT="https://login.example/authorize",
        GOLDEN_THREAD_OIDC_TOKEN_ENDPOINT="https://login.example/token",
        GOLDEN_THREAD_OIDC_USER_ENDPOINT="https://login.example/userinfo",
        GOLDEN_THREAD_OIDC_JWKS_ENDPOINT="https://login.example/keys",
    )

    assert refused.returncode != 0
    assert "GOLDEN_THREAD_PASSWORD_SIGN_IN is false but single sign-on is not configured" in (
        refused.stderr
    )
    assert started.returncode == 0, started.stderr


def test_outside_the_demo_the_provider_must_be_reached_over_https(tmp_path):
    result = manage_check(
        GOLDEN_THREAD_DEMO="false",
        GOLDEN_THREAD_VAR_DIR=str(tmp_path),
        DJANGO_SECRET_KEY="a-long-random-production-secret-" + "k" * 40,
        DJANGO_ALLOWED_HOSTS="performance.example.gov.uk",
        GOLDEN_THREAD_OIDC_CLIENT_ID="golden-thread",
        GOLDEN_THREAD_OIDC_AUTHORIZATION_ENDPOINT="https://login.example/authorize",
        GOLDEN_THREAD_OIDC_TOKEN_ENDPOINT="http://login.example/token",
        GOLDEN_THREAD_OIDC_USER_ENDPOINT="https://login.example/userinfo",
        GOLDEN_THREAD_OIDC_JWKS_ENDPOINT="https://login.example/keys",
    )

    assert result.returncode != 0
    assert "must start https://" in result.stderr
