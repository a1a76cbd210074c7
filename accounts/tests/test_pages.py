"""The account pages for every persona: who may open them, and that no browser or proxy keeps
them and the Content Security Policy holds (no inline style or script, images drawn inline)."""

import re

import pytest
from django.urls import reverse

from accounts.tests.conftest import password_step, with_app
from goldenthread.tests.test_permission_matrix import url_names
from organisation.tests.personas import PERSONAS, sign_in

pytestmark = pytest.mark.django_db

SIGN_IN = "sign-in"

# Columns in PERSONAS order:
#   off   off2  appr  appr2 dir   perf  admin cllr  anon
# fmt: off
PAGES = {
    "accounts:account":      (200, 200, 200, 200, 200, 200, 200, 200, SIGN_IN),
    "accounts:two_factor":   (200, 200, 200, 200, 200, 200, 200, 200, SIGN_IN),
    "accounts:new_token":    (200, 200, 200, 200, 200, 200, 200, 200, SIGN_IN),
    # A post only (api/tests/test_tokens.py revokes, goldenthread's MATRIX checks who may).
    "accounts:revoke_token": (405, 405, 405, 405, 405, 405, 405, 405, SIGN_IN),
}
# fmt: on


@pytest.mark.parametrize(
    ("page", "persona", "expected"),
    [
        pytest.param(page, persona, expected, id=f"{page}-{persona}")
        for page, row in PAGES.items()
        for persona, expected in zip(PERSONAS, row, strict=True)
    ],
)
def test_who_may_open_each_page(client, town, page, persona, expected):
    response = sign_in(client, town.person(persona)).get(reverse(page))

    if expected == SIGN_IN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == expected


def test_every_accounts_url_is_in_the_table():
    assert url_names("accounts") == set(PAGES)


@pytest.mark.parametrize(
    "address",
    [
        reverse("accounts:account"),
        reverse("accounts:two_factor"),
        reverse("accounts:new_token"),
        reverse("login"),
    ],
)
def test_the_pages_are_not_stored_and_keep_to_the_security_policy(client, town, address):
    if address != reverse("login"):
        client.force_login(town.person("officer"))

    response = client.get(address)

    content = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert " style=" not in content
    assert re.findall(r"<script(?![^>]*(?:nonce=|src=))[^>]*>", content) == []  # inline
    assert re.findall(r'<img src="(?!data:image/svg\+xml)', content) == []


def test_the_code_page_is_not_stored(client, town):
    with_app(town.person("officer"))
    password_step(client, "officer")

    response = client.get(reverse("sign_in_code"))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_header_links_to_the_account_page(client, town):
    client.force_login(town.person("councillor"))

    page = client.get(reverse("scorecards:organisation")).content.decode()

    assert f'href="{reverse("accounts:account")}"' in page
