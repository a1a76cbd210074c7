"""The signed-in endpoints, as each persona's own system sees them with a personal API token.

Testshire (organisation/tests/personas.py): Waste's open Q2 return holds WST-01 as a draft
(61.7), WST-02 submitted (52.9) and WST-03 signed off (47.3, first sent as 39.8 and returned).
A token acts as its person, with exactly their role and scope: the same answers as the pages,
404 outside the scope, and never a draft to anyone who may not see it.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from api.authentication import BAD_TOKEN, NO_TOKEN
from api.figures import LOCK_VERSION_NEEDED, NO_CYCLE, UNKNOWN_PERIOD
from api.models import ApiToken
from api.problems import NOT_FOUND_SIGNED_IN, PROBLEM_JSON
from api.tests.conftest import bearer
from api.tokens import create_token, revoke_token
from audit.models import AuditEntry
from indicators.models import Value, ValueRevision, ValueState
from organisation.tests.personas import (
    DRAFT_FIGURE,
    PERSONAS,
    RETURNED_FIGURE,
    SIGNED_OFF_FIGURE,
    SUBMITTED_FIGURE,
)
from returns.collection import ALREADY_SUBMITTED, CYCLE_NOT_OPEN

pytestmark = pytest.mark.django_db

UNAPPROVED = (DRAFT_FIGURE, SUBMITTED_FIGURE, RETURNED_FIGURE)
NO_TOKEN_GIVEN = "no token"
NEW_FIGURE = "64.2"


def draft_change(town, **more) -> dict:
    return {
        "indicator": "WST-01",
        "period": "2026-27-Q2",
        "figure": NEW_FIGURE,
        "lock_version": town.draft.lock_version,
        **more,
    }


def send(client, secret: str | None, method: str, address: str, body=None, **headers):
    if secret is not None:
        headers.update(bearer(secret))
    if method == "get":
        return client.get(address, headers=headers)
    return client.post(address, body, content_type="application/json", headers=headers)


def database_state() -> dict:
    """What a refused request must leave exactly as it was."""
    return {
        "values": list(
            Value.objects.order_by("pk").values_list("pk", "state", "figure", "lock_version")
        ),
        "revisions": ValueRevision.objects.count(),
        "audit entries": AuditEntry.objects.count(),
    }


# --- Who may do what: one row per endpoint, one column per persona --------------------------

REQUESTS = {
    "who am I": lambda town: ("get", "/api/v1/me/", None),
    "returns due": lambda town: ("get", "/api/v1/returns/", None),
    "Waste's draft": lambda town: ("get", "/api/v1/indicators/WST-01/values/", None),
    "Waste's signed-off figure": lambda town: ("get", "/api/v1/indicators/WST-03/values/", None),
    "Parks' figures": lambda town: ("get", "/api/v1/indicators/PRK-01/values/", None),
    "a figure that never existed": lambda town: ("get", "/api/v1/indicators/NOPE-1/values/", None),
    "send Waste's figure": lambda town: ("post", "/api/v1/values/", draft_change(town)),
}

# fmt: off
TABLE = {
    #                                 off  off2 appr appr2 dir  perf admin cllr anon
    "who am I":                      (200, 200, 200, 200,  200, 200, 200,  200, 401),
    "returns due":                   (200, 200, 200, 200,  200, 200, 200,  200, 401),
    "Waste's draft":                 (200, 404, 200, 404,  200, 200, 200,  404, 401),
    "Waste's signed-off figure":     (200, 404, 200, 404,  200, 200, 200,  404, 401),
    "Parks' figures":                (404, 200, 404, 200,  200, 200, 200,  404, 401),
    "a figure that never existed":   (404, 404, 404, 404,  404, 404, 404,  404, 401),
    "send Waste's figure":           (200, 404, 404, 404,  404, 200, 200,  404, 401),
}
# fmt: on


@pytest.mark.parametrize(
    ("row", "persona", "expected"),
    [
        pytest.param(row, persona, expected, id=f"{row}-{persona}")
        for row, answers in TABLE.items()
        for persona, expected in zip(PERSONAS, answers, strict=True)
    ],
)
def test_a_token_does_what_its_person_may_and_nothing_more(
    client, town, tokens, row, persona, expected
):
    method, address, body = REQUESTS[row](town)
    before = database_state()

    response = send(client, tokens.get(persona), method, address, body)

    assert response.status_code == expected, response.content
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    if expected != 200:
        assert response["Content-Type"] == PROBLEM_JSON
        assert database_state() == before
    if expected == 404:
        assert response.json()["detail"] == NOT_FOUND_SIGNED_IN
    if expected == 200 and method == "post":
        value = Value.objects.get(pk=town.draft.pk)
        assert str(value.figure.normalize()) == NEW_FIGURE
        assert value.revisions.order_by("-number").first().changed_by == town.person(persona)


def test_every_row_of_the_table_is_a_request():
    assert set(TABLE) == set(REQUESTS)


OUTSIDERS = ("other_officer", "other_approver", "councillor")


def shows(content: str, figure: str) -> bool:
    """Whether the figure is in the answer (as "52.9" or "52.900000"), not as part of a time
    such as the token's "06:12:52.913" or of another number."""
    return re.search(rf"(?<!\d:)(?<![\d.]){re.escape(figure)}", content) is not None


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_no_unapproved_figure_of_waste_reaches_anyone_outside_it(client, town, tokens, persona):
    for row in ("who am I", "returns due", "Waste's draft", "Waste's signed-off figure"):
        method, address, body = REQUESTS[row](town)
        content = send(client, tokens[persona], method, address, body).content.decode()
        assert [figure for figure in UNAPPROVED if shows(content, figure)] == [], row
    # A councillor's token reads nothing beyond the public endpoints: not even signed-off
    # figures, which the public endpoints give once a report is released.
    assert SIGNED_OFF_FIGURE not in content


# --- What each answers ----------------------------------------------------------------------


def test_who_the_token_acts_as(client, town, tokens):
    body = send(client, tokens["officer"], "get", "/api/v1/me/").json()

    token = ApiToken.objects.get(user=town.person("officer"))
    assert body == {
        "username": "officer",
        "name": "Olu Adeyemi",
        "roles": ["Data owner"],
        "whole_council": False,
        "units": [{"code": "waste", "name": "Waste and Recycling", "kind": "service"}],
        "may_enter_figures": True,
        "token": {
            "name": "officer's system",
            "prefix": token.shown_prefix,
            "created_at": body["token"]["created_at"],
            "expires_at": body["token"]["expires_at"],
            "last_used_at": body["token"]["last_used_at"],
        },
    }
    assert body["token"]["last_used_at"] is not None


@pytest.mark.parametrize(
    ("persona", "units", "enters"),
    [
        ("director", ["parks", "place", "waste"], False),
        ("councillor", [], False),
        ("performance", ["libraries", "parks", "people", "place", "waste"], True),
    ],
)
def test_the_scope_is_the_persons(client, town, tokens, persona, units, enters):
    body = send(client, tokens[persona], "get", "/api/v1/me/").json()

    assert [unit["code"] for unit in body["units"]] == units
    assert body["may_enter_figures"] is enters
    assert body["whole_council"] is (persona == "performance")


def test_the_returns_due_are_the_your_returns_pages(client, town, tokens):
    body = send(client, tokens["officer"], "get", "/api/v1/returns/").json()

    assert body["count"] == 1
    (waste,) = body["results"]
    assert {key: waste[key] for key in ("cycle", "period_code", "service_code", "state")} == {
        "cycle": town.cycle.pk,
        "period_code": "2026-27-Q2",
        "service_code": "waste",
        "state": "Draft",
    }
    assert waste["web_url"] == f"http://testserver/returns/{town.cycle.pk}/waste/"
    assert [
        (i["code"], i["value"]["state"], i["value"]["figure"], i["value"]["lock_version"])
        for i in waste["indicators"]
    ] == [
        ("WST-01", "draft", DRAFT_FIGURE, town.draft.lock_version),
        ("WST-02", "submitted", SUBMITTED_FIGURE, town.submitted.lock_version),
        ("WST-03", "approved", SIGNED_OFF_FIGURE, town.signed_off.lock_version),
    ]


@pytest.mark.parametrize(
    ("persona", "services"),
    [
        ("other_officer", ["parks"]),
        ("performance", ["libraries", "parks", "waste"]),
        ("approver", []),  # approves, enters nothing: no returns, as on the page
        ("councillor", []),
    ],
)
def test_each_person_has_their_own_returns(client, town, tokens, persona, services):
    body = send(client, tokens[persona], "get", "/api/v1/returns/").json()

    assert sorted(r["service_code"] for r in body["results"]) == services


def test_an_indicators_figures_drafts_included_with_their_lock_version(client, town, tokens):
    body = send(client, tokens["approver"], "get", "/api/v1/indicators/WST-03/values/").json()

    (value,) = body["results"]
    assert value["state"] == ValueState.APPROVED
    assert value["figure"] == SIGNED_OFF_FIGURE
    assert value["lock_version"] == town.signed_off.lock_version
    assert value["changed_by"] == "Asha Patel"
    assert value["web_url"] == f"http://testserver/returns/values/{town.signed_off.pk}/"
    one_period = "/api/v1/indicators/WST-01/values/?period=2026-27-Q1"
    assert send(client, tokens["officer"], "get", one_period).json()["count"] == 0


# --- No token, however crafted, gets in -----------------------------------------------------


def tampered(secret: str) -> str:
    last = secret[-1]
    return secret[:-1] + ("A" if last != "A" else "B")


def crafted(town, tokens) -> dict[str, str | None]:
    """Every way a token can fail to be one, by name."""
    officer = town.person("officer")
    revoked = create_token(user=officer, name="Old housing system")
    revoke_token(token=revoked.token, by=officer)
    expired = create_token(user=officer, name="Short-lived", days=1)
    ApiToken.objects.filter(pk=expired.token.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    leaver = town.person("other_officer")
    leaver.is_active = False
    leaver.save(update_fields=["is_active"])
    other_prefix = ApiToken.objects.get(user=town.person("performance")).prefix
    secret = tokens["officer"]
    return {
        "revoked": revoked.secret,
        "expired": expired.secret,
        "tampered secret": tampered(secret),
        "another token's prefix": f"gt_{other_prefix}_{secret.split('_', 2)[2]}",
        "cut short": secret[:-1],
        "too long": secret + "A",
        "not ours at all": "ghp_0123456789abcdef0123456789abcdef0123",
        "empty": "",
        "a deactivated person's": tokens["other_officer"],
        "the hash of a real one": ApiToken.objects.get(
            user=officer, name="officer's system"
        ).secret_hash,
    }


CRAFTED = [
    "revoked",
    "expired",
    "tampered secret",
    "another token's prefix",
    "cut short",
    "too long",
    "not ours at all",
    "empty",
    "a deactivated person's",
    "the hash of a real one",
]


@pytest.mark.parametrize("kind", CRAFTED)
def test_a_token_that_does_not_work_gets_nothing_and_changes_nothing(client, town, tokens, kind):
    secret = crafted(town, tokens)[kind]
    before = database_state()

    for row, request in REQUESTS.items():
        method, address, body = request(town)
        response = send(client, secret, method, address, body)
        assert response.status_code == 401, (row, response.content)
        assert response["WWW-Authenticate"] == (
            'Bearer realm="Golden Thread API", error="invalid_token"'
        )
        assert response.json()["detail"] == BAD_TOKEN
        assert "no-store" in response["Cache-Control"]
    assert database_state() == before


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Basic b2ZmaWNlcjpwYXNzd29yZA==", "Token abc", "gt_0123abcd_x"],
    ids=["none", "blank", "basic", "another scheme", "no scheme"],
)
def test_no_bearer_token_is_asked_for_one(client, town, tokens, authorization):
    headers = {} if authorization is None else {"Authorization": authorization}

    response = client.get("/api/v1/me/", headers=headers)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="Golden Thread API"'
    assert response.json() == {
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": NO_TOKEN,
    }


def test_being_signed_in_to_the_site_is_not_being_signed_in_to_the_api(client, town):
    client.force_login(town.person("officer"))

    assert client.get("/api/v1/me/").status_code == 401
    response = client.post("/api/v1/values/", draft_change(town), content_type="application/json")
    assert response.status_code == 401


def test_a_token_needs_no_csrf_token_as_it_is_not_a_cookie(town, tokens):
    strict = Client(enforce_csrf_checks=True)

    response = send(strict, tokens["officer"], "post", "/api/v1/values/", draft_change(town))

    assert response.status_code == 200


def test_a_token_stops_at_once_when_revoked(client, town, tokens):
    assert send(client, tokens["officer"], "get", "/api/v1/me/").status_code == 200
    token = ApiToken.objects.get(user=town.person("officer"))
    revoke_token(token=token, by=town.person("officer"))

    assert send(client, tokens["officer"], "get", "/api/v1/me/").status_code == 401


def test_the_public_endpoints_stay_public_with_a_token(client, town, tokens):
    response = send(client, tokens["officer"], "get", "/api/v1/values/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
    assert response.json()["count"] == 0  # nothing of Testshire is published


# --- Sending figures ------------------------------------------------------------------------


def test_a_figure_sent_is_saved_as_the_return_page_saves_it(client, town, tokens):
    response = send(
        client,
        tokens["officer"],
        "post",
        "/api/v1/values/",
        draft_change(town, commentary="Contractor's September tonnage"),
    )

    body = response.json()
    assert response.status_code == 200
    assert (body["state"], body["figure"], body["commentary"]) == (
        "draft",
        NEW_FIGURE,
        "Contractor's September tonnage",
    )
    assert body["lock_version"] == town.draft.lock_version + 1
    assert body["already_saved"] is False
    value = Value.objects.get(pk=town.draft.pk)
    assert value.lock_version == body["lock_version"]
    assert list(value.revisions.values_list("action", "changed_by__username")) == [
        ("recorded", "officer"),
        ("edited", "officer"),
    ]


def test_fields_left_out_keep_what_the_draft_holds(client, town, tokens):
    send(client, tokens["officer"], "post", "/api/v1/values/", draft_change(town))

    value = Value.objects.get(pk=town.draft.pk)
    assert value.commentary == "Early estimate"  # as the town's officer first wrote it


def test_submitting_sends_the_figure_for_sign_off(client, town, tokens):
    response = send(
        client,
        tokens["officer"],
        "post",
        "/api/v1/values/",
        draft_change(town, submit=True),
    )

    assert response.status_code == 200, response.content
    assert response.json()["state"] == ValueState.SUBMITTED
    value = Value.objects.get(pk=town.draft.pk)
    assert list(value.revisions.values_list("action", flat=True)) == [
        "recorded",
        "edited",
        "submitted",
    ]


def test_a_new_figure_needs_no_lock_version(client, town, tokens):
    body = {"indicator": "PRK-01", "period": "2026-27-Q2", "figure": 7}

    response = send(client, tokens["other_officer"], "post", "/api/v1/values/", body)

    assert response.status_code == 200, response.content
    assert (response.json()["figure"], response.json()["lock_version"]) == ("7", 1)


def test_a_stale_lock_version_is_refused_naming_who_changed_it_and_when(client, town, tokens):
    read = town.draft.lock_version
    send(client, tokens["performance"], "post", "/api/v1/values/", draft_change(town))
    before = database_state()

    response = send(
        client,
        tokens["officer"],
        "post",
        "/api/v1/values/",
        draft_change(town, figure="70", lock_version=read),
    )

    problem = response.json()
    value = Value.objects.get(pk=town.draft.pk)
    when = timezone.localtime(value.updated_at).strftime("%H:%M on %d %B")
    assert response.status_code == 409
    assert problem["title"] == "Changed since you read it"
    assert problem["detail"].startswith(
        f"Priya Perform changed “Household waste recycled” at {when}, after you read it "
        f"(you sent lock_version {read}; it is now {value.lock_version})."
    )
    assert (problem["changed_by"], problem["lock_version"]) == ("Priya Perform", read + 1)
    assert problem["type"] == "http://testserver/api/v1/docs/#changed-since-you-read-it"
    assert database_state() == before


def test_changing_a_figure_already_entered_needs_its_lock_version(client, town, tokens):
    body = draft_change(town)
    del body["lock_version"]

    response = send(client, tokens["officer"], "post", "/api/v1/values/", body)

    assert response.status_code == 409
    when = timezone.localtime(town.draft.updated_at).strftime("%H:%M on %d %B")
    assert response.json()["detail"] == LOCK_VERSION_NEEDED.format(
        title="Household waste recycled",
        period="Q2 2026/27",
        name="Olu Adeyemi",
        time=when,
        version=town.draft.lock_version,
    )


def test_a_figure_waiting_for_sign_off_cannot_be_changed(client, town, tokens):
    body = {
        "indicator": "WST-02",
        "period": "2026-27-Q2",
        "figure": "50",
        "lock_version": town.submitted.lock_version,
    }

    response = send(client, tokens["officer"], "post", "/api/v1/values/", body)

    assert response.status_code == 409
    assert response.json()["detail"] == ALREADY_SUBMITTED.format(
        title="Household waste composted", state="submitted"
    )


@pytest.mark.parametrize(
    ("period", "message"),
    [
        (
            "2026-27-Q3",
            CYCLE_NOT_OPEN.format(period="Q3 2026/27", state="planned"),
        ),
        ("2026-27-Q4", NO_CYCLE.format(period="Q4 2026/27")),
        (
            "2026-27",
            UNKNOWN_PERIOD.format(
                title="Parks with a Green Flag",
                frequency="quarterly",
                kind="quarter",
                example="2026-27-Q2",
            ),
        ),
    ],
)
def test_a_period_not_open_takes_no_figures(client, town, tokens, period, message):
    body = {"indicator": "PRK-01", "period": period, "figure": "7"}
    before = database_state()

    response = send(client, tokens["other_officer"], "post", "/api/v1/values/", body)

    assert response.status_code == 422
    assert response.json()["errors"] == [{"name": "period", "location": "body", "detail": message}]
    assert database_state() == before


def test_an_unknown_field_or_a_figure_that_is_no_number_is_named(client, town, tokens):
    body = draft_change(town, figure=True, colour="red")

    response = send(client, tokens["officer"], "post", "/api/v1/values/", body)

    assert response.status_code == 422
    assert [(e["name"], e["location"]) for e in response.json()["errors"]] == [
        ("figure", "body"),
        ("colour", "body"),
    ]


def test_a_body_that_is_not_json_is_a_bad_request(client, town, tokens):
    response = send(client, tokens["officer"], "post", "/api/v1/values/", "{figure: 1")

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM_JSON


# --- The audit log --------------------------------------------------------------------------


def test_every_figure_sent_is_in_the_audit_log_with_the_token_and_its_person(client, town, tokens):
    token = ApiToken.objects.get(user=town.person("officer"))
    send(client, tokens["officer"], "post", "/api/v1/values/", draft_change(town))
    send(
        client,
        tokens["officer"],
        "post",
        "/api/v1/values/",
        draft_change(town, lock_version=town.draft.lock_version + 1, submit=True),
    )

    entries = list(AuditEntry.objects.filter(object_type="indicators.value").order_by("sequence"))
    assert [entry.action for entry in entries] == ["figure saved", "figure submitted"]
    for entry in entries:
        assert entry.actor == town.person("officer")
        assert entry.actor_name == (
            f"Olu Adeyemi (officer) with API token “officer's system” ({token.shown_prefix})"
        )
        assert entry.source == "api"
        assert entry.object_id == str(town.draft.pk)
        assert abs(entry.at - timezone.now()) < datetime.timedelta(minutes=1)
    assert entries[0].before["figure"] == DRAFT_FIGURE
    assert entries[0].after["figure"] == NEW_FIGURE
    assert entries[1].after["state"] == ValueState.SUBMITTED


def test_a_refused_figure_leaves_nothing_in_the_audit_log(client, town, tokens):
    before = AuditEntry.objects.count()

    send(client, tokens["officer"], "post", "/api/v1/values/", draft_change(town, figure="x"))

    assert AuditEntry.objects.count() == before


def test_the_audit_log_page_shows_who_sent_a_figure_and_with_which_token(client, town, tokens):
    token = ApiToken.objects.get(user=town.person("officer"))
    send(client, tokens["officer"], "post", "/api/v1/values/", draft_change(town))
    client.force_login(town.person("admin"))

    page = client.get("/audit/?text=figure+saved").content.decode()

    assert "figure saved" in page
    assert f"with API token “officer&#x27;s system” ({token.shown_prefix})" in page
