"""Two-factor sign-in: setting an app up, the code at sign-in, removing it, and administrators,
who must use it outside the demo unless they signed in through single sign-on."""

import datetime
import html
from io import StringIO

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import forms, views
from accounts.middleware import SIGN_IN_AGAIN
from accounts.sign_in import PENDING_KEY, PENDING_SECONDS
from accounts.tests.conftest import (
    code_for,
    code_for_key,
    is_signed_in,
    password_step,
    sign_in_with_provider,
    with_app,
)
from accounts.two_factor import new_key, set_up_two_factor
from accounts.views import NEW_KEY

pytestmark = pytest.mark.django_db

SET_UP_URL = reverse("accounts:two_factor")


def text(response) -> str:
    return html.unescape(response.content.decode())


def later(seconds: int):
    return time_machine.travel(timezone.now() + datetime.timedelta(seconds=seconds))


# --- Setting up -----------------------------------------------------------------------------


def test_setting_up_shows_a_qr_code_and_the_key_and_saves_nothing_until_a_code(client, town):
    officer = town.person("officer")
    client.force_login(officer)

    page = client.get(SET_UP_URL)

    content = page.content.decode()
    assert page.status_code == 200
    assert '<img src="data:image/svg+xml' in content
    assert 'alt="QR code to add Golden Thread to an authenticator app.' in content
    key = client.session[NEW_KEY]
    assert views.key_for_typing(key) in content
    assert not TOTPDevice.objects.filter(user=officer).exists()
    # Reloading shows the same key: the app may already hold it.
    client.get(SET_UP_URL)
    assert client.session[NEW_KEY] == key


def test_a_wrong_code_does_not_set_it_up(client, town):
    officer = town.person("officer")
    client.force_login(officer)
    client.get(SET_UP_URL)

    response = client.post(SET_UP_URL, {"code": "12345"})
    again = client.post(SET_UP_URL, {"code": wrong_code_for_key(client.session[NEW_KEY])})

    assert forms.CODE_FORMAT in text(response)
    assert forms.WRONG_CODE in text(again)
    assert "Error: Set up two-factor sign-in" in text(again)
    assert not TOTPDevice.objects.filter(user=officer).exists()


def wrong_code_for_key(key):
    right = int(code_for_key(key))
    return f"{(right + 1) % 1_000_000:06d}"


def test_the_right_code_sets_it_up_and_verifies_this_session(client, town):
    officer = town.person("officer")
    client.force_login(officer)
    client.get(SET_UP_URL)

    response = client.post(SET_UP_URL, {"code": code_for_key(client.session[NEW_KEY])})

    device = TOTPDevice.objects.get(user=officer)
    assert device.confirmed
    assert response["Location"] == reverse("accounts:account")
    assert views.SET_UP in text(client.get(response["Location"]))
    assert NEW_KEY not in client.session
    assert client.session["otp_device_id"] == device.persistent_id


def test_a_code_in_spaces_is_understood(client, town):
    client.force_login(town.person("officer"))
    client.get(SET_UP_URL)
    code = code_for_key(client.session[NEW_KEY])

    client.post(SET_UP_URL, {"code": f" {code[:3]} {code[3:]} "})

    assert TOTPDevice.objects.filter(user=town.person("officer"), confirmed=True).exists()


def test_someone_who_signs_in_only_through_single_sign_on_has_nothing_to_set_up(
    client, town, provider, settings
):
    settings.OIDC_CREATE_USER = True
    provider.person = {"email": "new.starter@example.gov.uk"}
    sign_in_with_provider(client)

    page = client.get(SET_UP_URL)

    assert "there is nothing to set up here" in text(page)
    assert NEW_KEY not in client.session


# --- Signing in with a code -----------------------------------------------------------------


def test_a_password_alone_does_not_sign_in_a_person_with_an_app(client, town):
    device = with_app(town.person("officer"))

    response = password_step(client, "officer", next_url="/returns/")

    assert response["Location"] == reverse("sign_in_code")
    assert not is_signed_in(client)
    assert client.get("/returns/")["Location"].startswith(reverse("login"))
    code_page = client.get(reverse("sign_in_code"))
    assert "Enter the code from your authenticator app" in text(code_page)

    signed_in = client.post(reverse("sign_in_code"), {"code": code_for(device)})

    assert signed_in["Location"] == "/returns/"
    assert is_signed_in(client)
    assert client.session["otp_device_id"] == device.persistent_id
    assert client.session["accounts.sign_in_method"] == "password"
    assert PENDING_KEY not in client.session


def test_a_wrong_code_is_refused_and_the_next_must_wait(client, town):
    device = with_app(town.person("officer"))
    password_step(client, "officer")

    wrong = client.post(reverse("sign_in_code"), {"code": code_for(device, wrong=True)})
    too_soon = client.post(reverse("sign_in_code"), {"code": code_for(device)})

    assert wrong.status_code == 200
    assert forms.WRONG_CODE in text(wrong)
    assert "Error: Enter the code" in text(wrong)
    assert "You entered wrong codes too quickly: wait" in text(too_soon)
    assert not is_signed_in(client)
    with later(3):
        assert client.post(reverse("sign_in_code"), {"code": code_for(device)}).status_code == 302
        assert is_signed_in(client)


def test_wrong_codes_count_towards_the_lock_out(client, town, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # this test is about the lock-out, not the waits
    settings.AXES_FAILURE_LIMIT = 3
    device = with_app(town.person("officer"))
    password_step(client, "officer")

    answers = [
        client.post(reverse("sign_in_code"), {"code": code_for(device, wrong=True)})
        for _ in range(3)
    ]

    assert [a.status_code for a in answers[:2]] == [200, 200]
    assert answers[2].status_code == 429  # django-axes' lock-out
    assert AccessAttempt.objects.get(username="officer").failures_since_start == 3
    assert PENDING_KEY not in client.session
    # Locked out: even the right password is refused now.
    assert password_step(client, "officer").status_code == 429
    assert not is_signed_in(client)


def test_five_wrong_codes_need_the_password_again(client, town, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.AXES_FAILURE_LIMIT = 50
    device = with_app(town.person("officer"))
    password_step(client, "officer")

    for _ in range(4):
        client.post(reverse("sign_in_code"), {"code": code_for(device, wrong=True)})
    fifth = client.post(reverse("sign_in_code"), {"code": code_for(device, wrong=True)})

    assert fifth["Location"] == reverse("login")
    sign_in_page = text(client.get(reverse("login")))
    assert forms.TOO_MANY_WRONG in sign_in_page
    assert 'href="#id_username"' in sign_in_page
    assert client.post(reverse("sign_in_code"), {"code": code_for(device)})["Location"] == reverse(
        "login"
    )
    assert not is_signed_in(client)


def test_a_code_is_accepted_once(client, town):
    key = new_key()
    used = code_for_key(key)
    set_up_two_factor(user=town.person("officer"), key=key, code=used)
    password_step(client, "officer")

    response = client.post(reverse("sign_in_code"), {"code": used})

    assert forms.WRONG_CODE in text(response)
    assert not is_signed_in(client)


def test_the_code_step_times_out(client, town):
    device = with_app(town.person("officer"))
    password_step(client, "officer")

    with later(PENDING_SECONDS + 1):
        response = client.post(reverse("sign_in_code"), {"code": code_for(device)})

    assert response["Location"] == reverse("login")
    assert forms.TIMED_OUT in text(client.get(reverse("login")))
    assert not is_signed_in(client)


def test_the_code_page_without_a_password_first_goes_to_sign_in(client, town):
    assert client.get(reverse("sign_in_code"))["Location"] == reverse("login")


# --- Removing -------------------------------------------------------------------------------


def test_removing_the_app_needs_a_code(client, town):
    officer = town.person("officer")
    device = with_app(officer)
    client.force_login(officer)

    page = client.get(SET_UP_URL)
    refused = client.post(SET_UP_URL, {"code": code_for(device, wrong=True)})
    with later(3):
        removed = client.post(SET_UP_URL, {"code": code_for(device)})

    assert "Remove your authenticator app" in text(page)
    assert forms.WRONG_CODE in text(refused)
    assert removed["Location"] == reverse("accounts:account")
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert views.REMOVED in text(client.get(removed["Location"]))


# --- Administrators -------------------------------------------------------------------------


def test_in_the_demo_an_administrator_needs_no_app(client, town):
    password_step(client, "admin")

    assert client.get(reverse("scorecards:organisation")).status_code == 200
    assert client.get("/admin/").status_code == 200


def test_in_production_an_administrator_sets_up_an_app_before_anything_else(
    client, town, production
):
    response = password_step(client, "admin", next_url="/admin/")
    assert response["Location"] == "/admin/"

    for address in ["/admin/", reverse("scorecards:organisation"), reverse("accounts:account")]:
        sent = client.get(address)
        assert sent.status_code == 302
        assert sent["Location"] == f"{SET_UP_URL}?next={address.replace('/', '%2F')}"
    page = client.get(f"{SET_UP_URL}?next=%2Fadmin%2F")
    assert "Administrators must use two-factor sign-in" in text(page)

    done = client.post(
        SET_UP_URL, {"code": code_for_key(client.session[NEW_KEY]), "next": "/admin/"}
    )

    assert done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get(reverse("scorecards:organisation")).status_code == 200


def test_in_production_an_administrator_with_an_app_signs_in_with_a_code(client, town, production):
    device = with_app(town.person("admin"))

    password_step(client, "admin")
    client.post(reverse("sign_in_code"), {"code": code_for(device)})

    assert client.get("/admin/").status_code == 200


def test_in_production_an_unverified_administrator_session_must_sign_in_again(
    client, town, production
):
    """A session begun before the app was set up (or before two-factor was required)."""
    with_app(town.person("admin"))
    client.force_login(town.person("admin"))

    response = client.get(reverse("scorecards:organisation"))

    assert response["Location"].startswith(reverse("login") + "?next=")
    assert SIGN_IN_AGAIN in text(client.get(response["Location"]))
    assert not is_signed_in(client)


def test_in_production_an_administrator_who_used_single_sign_on_is_not_asked(
    client, town, production, provider
):
    provider.person = {"email": "admin@example.gov.uk"}

    sign_in_with_provider(client)

    assert client.get(reverse("scorecards:organisation")).status_code == 200
    assert client.get("/admin/").status_code == 200


def test_in_production_other_people_are_not_asked(client, town, production):
    password_step(client, "performance")

    assert client.get(reverse("scorecards:organisation")).status_code == 200


def test_in_production_staff_who_are_not_administrators_need_a_code_for_the_admin(
    client, town, production
):
    performance = town.person("performance")
    performance.is_staff = True
    performance.save(update_fields=["is_staff"])
    password_step(client, "performance")

    sent = client.get("/admin/")
    onwards = client.get(sent["Location"])

    assert sent["Location"] == reverse("admin:login") + "?next=/admin/"
    assert onwards["Location"] == f"{SET_UP_URL}?next=%2Fadmin%2F"


def test_the_requirement_can_be_switched_on_in_the_demo(client, town, settings):
    settings.REQUIRE_TWO_FACTOR_FOR_ADMINS = True
    password_step(client, "admin")

    assert client.get(reverse("scorecards:organisation"))["Location"].startswith(SET_UP_URL)
    # The public site and the public API ask no one for a second factor.
    assert client.get(reverse("publishing:home")).status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_the_command_line_removes_a_lost_app(town):
    with_app(town.person("admin"))
    out = StringIO()

    call_command("remove_two_factor", "admin", stdout=out)

    assert not TOTPDevice.objects.filter(user=town.person("admin")).exists()
    assert out.getvalue() == "Removed admin's authenticator app.\n"
    with pytest.raises(CommandError, match="admin has no authenticator app"):
        call_command("remove_two_factor", "admin")
    with pytest.raises(CommandError, match="No one has the username 'nobody'"):
        call_command("remove_two_factor", "nobody")
