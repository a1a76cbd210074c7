"""The sign-in tests' council, OpenID provider and authenticator app."""

import time
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import requests
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tests.oidc_provider import StubProvider
from accounts.two_factor import new_key, set_up_two_factor
from organisation.tests.personas import Town, build_town, freeze_today

PASSWORD = "correct horse battery staple"  # every persona's (organisation.tests.factories)


@pytest.fixture
def town(monkeypatch, db) -> Town:
    freeze_today(monkeypatch)
    return build_town()


@pytest.fixture
def provider(settings):
    """A running OpenID provider, and single sign-on configured to use it."""
    with StubProvider() as stub:
        for name, value in stub.settings().items():
            setattr(settings, name, value)
        yield stub


@pytest.fixture
def production(settings):
    """Outside the demo: administrators must use two-factor with a password."""
    settings.DEMO_MODE = False
    return settings


def to_the_provider(client, *, next_url: str = "") -> str:
    """Press "Sign in with …": where the site sends the browser (the provider's address)."""
    start = reverse("oidc_authentication_init")
    response = client.get(f"{start}?{urlencode({'next': next_url})}" if next_url else start)
    assert response.status_code == 302
    return response["Location"]


def at_the_provider(location: str) -> str:
    """The provider signs its person in and sends the browser back: the callback address."""
    answer = requests.get(location, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def back_at_the_site(client, callback: str, **replace):
    """The browser arrives back at the callback (with query parameters replaced, if given)."""
    parts = urlsplit(callback)
    assert parts.path == reverse("oidc_authentication_callback")
    query = {**dict(parse_qsl(parts.query)), **replace}
    return client.get(f"{parts.path}?{urlencode(query)}")


def sign_in_with_provider(client, *, next_url: str = ""):
    """The whole journey through the provider; the callback's response."""
    return back_at_the_site(client, at_the_provider(to_the_provider(client, next_url=next_url)))


def code_for(device, *, wrong: bool = False) -> str:
    """The code an authenticator app holding the device's key shows now (or the next one, if
    now's was used already: a code is accepted once). `wrong`: a code it shows at no time the
    site would accept now."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time = device.t0 + (device.last_t + 1) * device.step
    if not wrong:
        return f"{totp.token():06d}"
    accepted = set()
    for steps in (-1, 0, 1):
        near = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + steps)
        near.time = totp.time
        accepted.add(near.token())
    return f"{next(n for n in range(1_000_000) if n not in accepted):06d}"


def code_for_key(key: str) -> str:
    """The code an app set up with `key` (hex, as the session holds it) shows now."""
    totp = TOTP(bytes.fromhex(key), 30, 0, 6, 0)
    totp.time = time.time()
    return f"{totp.token():06d}"


def with_app(person) -> TOTPDevice:
    """Give `person` an authenticator app, as the set-up page would."""
    key = new_key()
    return set_up_two_factor(user=person, key=key, code=code_for_key(key))


def password_step(client, username, next_url=""):
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": username, "password": PASSWORD})


def is_signed_in(client) -> bool:
    return client.get(reverse("accounts:account")).status_code == 200
