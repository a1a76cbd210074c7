"""Personal API tokens, made and revoked on the account page: the secret shown once and kept
nowhere, a list that never shows it again, each made and revoked in the audit log; and
`api.tokens`, which finds a working token and nothing else."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.token_forms import CHOOSE_EXPIRY, NAME_REQUIRED
from accounts.token_views import REVOKED
from api.models import ApiToken
from api.tests.conftest import bearer
from api.tokens import (
    MAX_DAYS,
    TOKEN,
    TokenError,
    create_token,
    revoke_token,
    token_for,
)
from audit.models import AuditEntry, Source

pytestmark = pytest.mark.django_db

NEW = reverse("accounts:new_token")
REVOKE = reverse("accounts:revoke_token")
ACCOUNT = reverse("accounts:account")


def make(client, name="Housing system", days="90"):
    return client.post(NEW, {"name": name, "days": days})


def shown_secret(response) -> str:
    found = re.search(r'id="api-token" type="text" value="([^"]+)"', response.content.decode())
    assert found, "the new token is not on the page"
    return found.group(1)


def stored_text() -> str:
    """Every column of every stored token, as text."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")
        return repr(cursor.fetchall())


# --- On the account page ----------------------------------------------------------------------


def test_a_new_token_is_shown_once_and_kept_only_as_a_hash(client, town):
    officer = town.person("officer")
    client.force_login(officer)

    response = make(client)

    secret = shown_secret(response)
    assert response.status_code == 200
    assert TOKEN.fullmatch(secret)
    assert "This is the only time it is shown" in response.content.decode()
    token = ApiToken.objects.get(user=officer)
    assert (token.name, secret.startswith(token.shown_prefix + "_")) == ("Housing system", True)
    assert secret not in stored_text()
    assert secret.split("_", 2)[2] not in stored_text()
    assert not any(secret in repr(entry.after) for entry in AuditEntry.objects.all())
    # It works, as its person.
    assert client.get("/api/v1/me/", headers=bearer(secret)).json()["username"] == "officer"


def test_the_account_page_lists_tokens_but_never_their_secret(client, town):
    client.force_login(town.person("officer"))
    secret = shown_secret(make(client, name="Housing system"))
    make(client, name="Finance ledger", days="7")

    page = client.get(ACCOUNT).content.decode()
    again = client.get(NEW).content.decode()

    assert secret not in page and secret not in again
    housing, ledger = (ApiToken.objects.get(name=n) for n in ("Housing system", "Finance ledger"))
    assert page.index("Finance ledger") < page.index("Housing system")  # the newest first
    for token in (housing, ledger):
        assert f"<code>{token.shown_prefix}</code>" in page
    assert f"{ledger.expires_at:%-d %b %Y}" in page
    assert "Never" in page  # not used yet
    client.get("/api/v1/me/", headers=bearer(secret))
    assert "Never" in client.get(ACCOUNT).content.decode()  # the ledger still
    housing.refresh_from_db()
    assert housing.last_used_at is not None


def test_someone_else_s_tokens_are_not_on_your_page(client, town):
    create_token(user=town.person("other_officer"), name="Parks booking system")
    client.force_login(town.person("officer"))

    assert "Parks booking system" not in client.get(ACCOUNT).content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "days": "90"}, "name", NAME_REQUIRED),
        ({"name": "   ", "days": "90"}, "name", NAME_REQUIRED),
        ({"name": "Housing", "days": ""}, "days", CHOOSE_EXPIRY),
        ({"name": "Housing", "days": "3650"}, "days", CHOOSE_EXPIRY),
        ({"name": "Housing", "days": "many"}, "days", CHOOSE_EXPIRY),
    ],
)
def test_a_token_needs_a_name_and_an_expiry_of_at_most_a_year(client, town, data, field, message):
    client.force_login(town.person("officer"))

    response = client.post(NEW, data)

    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert f'href="#id_{field}' in page
    assert not ApiToken.objects.exists()


def test_revoking_a_token_stops_it_and_says_so(client, town):
    client.force_login(town.person("officer"))
    secret = shown_secret(make(client))
    token = ApiToken.objects.get()

    response = client.post(REVOKE, {"token": token.pk})

    assert response.status_code == 302
    assert response["Location"] == ACCOUNT
    page = client.get(ACCOUNT).content.decode()
    assert REVOKED.format(name="Housing system") in page
    assert "Revoked" in page
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get("/api/v1/me/", headers=bearer(secret)).status_code == 401


@pytest.mark.parametrize("chosen", ["someone else's", "", "x", "99999999999999999999"])
def test_no_one_revokes_a_token_that_is_not_theirs(client, town, chosen):
    theirs = create_token(user=town.person("other_officer"), name="Parks booking system")
    client.force_login(town.person("officer"))
    pk = theirs.token.pk if chosen == "someone else's" else chosen

    response = client.post(REVOKE, {"token": pk})

    assert response.status_code == 404
    theirs.token.refresh_from_db()
    assert theirs.token.revoked_at is None


def test_revoking_is_a_post(client, town):
    client.force_login(town.person("officer"))

    assert client.get(REVOKE).status_code == 405


def test_making_and_revoking_a_token_is_in_the_audit_log(client, town):
    officer = town.person("officer")
    client.force_login(officer)
    make(client)
    token = ApiToken.objects.get()
    client.post(REVOKE, {"token": token.pk})

    made, revoked = AuditEntry.objects.filter(object_type="api.apitoken").order_by("sequence")
    assert (made.action, revoked.action) == ("created", "changed")
    for entry in (made, revoked):
        assert (entry.actor, entry.source, entry.object_id) == (officer, Source.PAGE, str(token.pk))
        assert entry.object_label == f"“Housing system” ({token.shown_prefix})"
    assert made.after["name"] == "Housing system"
    assert made.after["prefix"] == token.prefix
    assert "secret_hash" not in made.after
    assert revoked.before == {"revoked_at": None}
    assert revoked.after["revoked_at"] is not None


def test_a_person_with_no_scope_may_make_a_token_that_reads_only_what_is_public(client, town):
    client.force_login(town.person("councillor"))

    form = client.get(NEW).content.decode()
    secret = shown_secret(make(client))

    assert "a token of yours reads only what the public API gives anyone" in form
    me = client.get("/api/v1/me/", headers=bearer(secret)).json()
    assert (me["units"], me["may_enter_figures"]) == ([], False)
    assert client.get("/api/v1/returns/", headers=bearer(secret)).json()["count"] == 0


# --- api.tokens ------------------------------------------------------------------------------


def test_only_a_working_token_is_found(town):
    officer = town.person("officer")
    made = create_token(user=officer, name="Housing system")

    assert token_for(made.secret) == made.token
    assert token_for(made.secret.upper()) is None
    assert token_for(" " + made.secret) is None
    assert token_for(made.token.secret_hash) is None
    revoke_token(token=made.token, by=officer)
    assert token_for(made.secret) is None


def test_a_token_stops_working_when_it_expires(town):
    made = create_token(user=town.person("officer"), name="Housing system", days=7)

    with time_machine.travel(made.token.expires_at - datetime.timedelta(seconds=1)):
        assert token_for(made.secret) is not None
    with time_machine.travel(made.token.expires_at):
        assert token_for(made.secret) is None


def test_a_token_stops_working_when_its_person_leaves(town):
    officer = town.person("officer")
    made = create_token(user=officer, name="Housing system")
    officer.is_active = False
    officer.save(update_fields=["is_active"])

    assert token_for(made.secret) is None


def test_the_time_of_use_is_written_at_most_once_a_minute(town):
    made = create_token(user=town.person("officer"), name="Housing system")
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        token_for(made.secret)
    with time_machine.travel(start + datetime.timedelta(seconds=59), tick=False):
        token_for(made.secret)
        made.token.refresh_from_db()
        assert made.token.last_used_at == start
    with time_machine.travel(start + datetime.timedelta(seconds=60), tick=False):
        token_for(made.secret)
        made.token.refresh_from_db()
        assert made.token.last_used_at == start + datetime.timedelta(seconds=60)


@pytest.mark.parametrize("days", [0, MAX_DAYS + 1])
def test_a_token_lasts_a_day_to_a_year(town, days):
    with pytest.raises(TokenError):
        create_token(user=town.person("officer"), name="Housing system", days=days)


def test_only_its_owner_revokes_a_token(town):
    made = create_token(user=town.person("officer"), name="Housing system")

    with pytest.raises(TokenError):
        revoke_token(token=made.token, by=town.person("performance"))

    made.token.refresh_from_db()
    assert made.token.revoked_at is None
