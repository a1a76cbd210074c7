"""Project updates through the API: the project page's checks, words, workflow and history.

The council is the personas' (organisation/tests/personas.py) with Waste's project DP-01 in the
delivery plan (delivery/tests/conftest.py), Q2 2026/27's reporting cycle open.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from api.problems import NOT_FOUND_SIGNED_IN
from api.registers import AWAITING_DECISION, NOT_THE_OPEN_PERIOD, SUBMIT_WHEN_REVISING
from api.tests.conftest import bearer
from audit.models import AuditEntry
from delivery.forms import REVISE_REASON_REQUIRED
from delivery.models import ProjectUpdate, ProjectUpdateRevision
from delivery.workflow import (
    DONE_REQUIRED,
    OVERRIDE_REASON_REQUIRED,
    PERCENT_RANGE,
    approve_update,
)
from organisation.tests.personas import PERSONAS
from signoff.models import ReturnState

pytestmark = pytest.mark.django_db

ADDRESS = "/api/v1/project-updates/"
OPEN = "2026-27-Q2"


def send(client, secret, body, **headers):
    if secret is not None:
        headers.update(bearer(secret))
    return client.post(ADDRESS, body, content_type="application/json", headers=headers)


def an_update() -> dict:
    return {"project": "DP-01", "period": OPEN, "percent_complete": 40, "done": "Bins ordered"}


def state() -> dict:
    return {
        "updates": list(
            ProjectUpdate.objects.order_by("pk").values_list("state", "percent_complete", "done")
        ),
        "revisions": ProjectUpdateRevision.objects.count(),
        "audit": AuditEntry.objects.filter(object_type="delivery.projectupdate").count(),
    }


def errors(response) -> list[tuple[str, str]]:
    assert response.status_code == 422, response.content
    return [(error["name"], error["detail"]) for error in response.json()["errors"]]


# --- Who may send them ------------------------------------------------------------------------

# fmt: off
#          off  off2 appr appr2 dir  perf admin cllr anon
SENDING = (200, 404, 404, 404,  404, 200, 200,  404, 401)
# fmt: on


@pytest.mark.parametrize(
    ("persona", "expected"),
    [pytest.param(p, e, id=p) for p, e in zip(PERSONAS, SENDING, strict=True)],
)
def test_only_those_who_update_the_project_send_its_update(
    client, town, tokens, project, persona, expected
):
    before = state()

    response = send(client, tokens.get(persona), an_update())

    assert response.status_code == expected, response.content
    if expected == 404:
        assert response.json()["detail"] == NOT_FOUND_SIGNED_IN
    if expected != 200:
        assert state() == before
    else:
        update = ProjectUpdate.objects.get()
        assert (update.state, update.percent_complete) == (ReturnState.DRAFT, 40)
        assert update.revisions.get().changed_by == town.person(persona)


def test_a_project_that_does_not_exist_is_not_found(client, tokens, project):
    response = send(client, tokens["performance"], {**an_update(), "project": "DP-99"})

    assert response.status_code == 404


# --- Saving, submitting, revising ------------------------------------------------------------


def test_a_draft_is_saved_with_its_delivery_status_and_audited_as_from_the_api(
    client, town, tokens, project
):
    response = send(client, tokens["officer"], an_update())

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "draft"
    assert body["percent_complete"] == 40
    assert body["done"] == "Bins ordered"
    assert body["lock_version"] == 1
    # DP-01 runs April to March: at Q2's end (30 September) about 50% is expected.
    assert body["delivery_status"] in ("at_risk", "off_track", "on_track")
    assert body["already_saved"] is False
    assert body["web_url"].endswith(reverse("delivery:project", args=[project.pk]))
    entry = AuditEntry.objects.get(object_type="delivery.projectupdate")
    assert (entry.action, entry.source) == ("project update saved", "api")
    assert entry.after["percent_complete"] == 40
    assert "with API token" in entry.actor_name


def test_fields_left_out_keep_what_the_update_holds(client, tokens, project):
    first = send(client, tokens["officer"], an_update()).json()

    response = send(
        client,
        tokens["officer"],
        {"project": "DP-01", "period": OPEN, "issues": "Supplier late", "lock_version": 1},
    )

    body = response.json()
    assert (body["percent_complete"], body["done"], body["issues"]) == (
        first["percent_complete"],
        "Bins ordered",
        "Supplier late",
    )
    assert body["lock_version"] == 2


def test_changing_an_update_needs_its_lock_version_and_a_stale_one_names_who_changed_it(
    client, town, tokens, project
):
    send(client, tokens["officer"], an_update())
    before = state()

    without = send(client, tokens["performance"], {**an_update(), "percent_complete": 45})
    stale = send(
        client,
        tokens["performance"],
        {**an_update(), "percent_complete": 45, "lock_version": 7},
    )

    assert without.status_code == 409
    assert "lock_version (1" in without.json()["detail"]
    assert stale.status_code == 409
    assert stale.json()["changed_by"] == "Olu Adeyemi"
    assert stale.json()["lock_version"] == 1
    assert state() == before


def test_sending_the_same_again_changes_nothing(client, tokens, project):
    send(client, tokens["officer"], an_update())

    again = send(client, tokens["officer"], {**an_update(), "lock_version": 1})

    assert again.status_code == 200
    assert again.json()["already_saved"] is True
    assert ProjectUpdateRevision.objects.count() == 1


def test_a_submitted_update_waits_for_its_decision(client, tokens, project):
    submitted = send(client, tokens["officer"], {**an_update(), "submit": True})
    before = state()

    change = send(client, tokens["officer"], {**an_update(), "done": "More", "lock_version": 2})

    assert submitted.json()["state"] == "submitted"
    assert change.status_code == 409
    assert change.json()["detail"] == AWAITING_DECISION.format(
        title="The update of DP-01 for Q2 2026/27"
    )
    assert state() == before


def test_a_signed_off_update_is_revised_with_a_reason_and_goes_for_sign_off_again(
    client, town, tokens, project
):
    send(client, tokens["officer"], {**an_update(), "submit": True})
    approve_update(update=ProjectUpdate.objects.get(), by=town.person("approver"))
    version = ProjectUpdate.objects.get().lock_version

    no_reason = send(
        client, tokens["officer"], {**an_update(), "percent_complete": 55, "lock_version": version}
    )
    submitting = send(
        client,
        tokens["officer"],
        {**an_update(), "lock_version": version, "reason": "Recount", "submit": True},
    )
    revised = send(
        client,
        tokens["officer"],
        {**an_update(), "percent_complete": 55, "lock_version": version, "reason": "Recount"},
    )

    assert errors(no_reason) == [("reason", REVISE_REASON_REQUIRED)]
    assert errors(submitting) == [("submit", SUBMIT_WHEN_REVISING.format(noun="project update"))]
    assert revised.status_code == 200, revised.content
    assert (revised.json()["state"], revised.json()["percent_complete"]) == ("submitted", 55)
    assert AuditEntry.objects.filter(action="project update revised").count() == 1


def test_only_the_open_cycle_takes_updates(client, tokens, project):
    response = send(client, tokens["officer"], {**an_update(), "period": "2026-27-Q1"})

    assert errors(response) == [
        ("period", NOT_THE_OPEN_PERIOD.format(code=OPEN, label="Q2 2026/27"))
    ]


# --- The project page's own checks and words ---------------------------------------------------


def by_page(client, user, project, fields: dict, *, submit: bool):
    client.force_login(user)
    posted = {"lock_version": "", **{k: "" if v is None else v for k, v in fields.items()}}
    if submit:
        posted["submit"] = "1"
    response = client.post(reverse("delivery:project", args=[project.pk]), posted)
    client.logout()
    return response


CASES = {
    "% complete over 100": ({"percent_complete": 140, "done": "x"}, False, [PERCENT_RANGE]),
    "submitted with nothing done": ({"percent_complete": 40, "done": ""}, True, [DONE_REQUIRED]),
    "an override without its reason": (
        {"percent_complete": 40, "done": "x", "status_override": "on_track"},
        False,
        [OVERRIDE_REASON_REQUIRED],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_the_api_refuses_what_the_page_refuses_in_the_same_words(
    client, town, tokens, project, case
):
    fields, submit, expected = CASES[case]

    page = by_page(client, town.person("officer"), project, fields, submit=submit)
    api = send(
        client, tokens["officer"], {"project": "DP-01", "period": OPEN, "submit": submit, **fields}
    )

    assert [message for message, _ in page.context["problems"]] == expected
    assert [detail for _, detail in errors(api)] == expected
    assert ProjectUpdate.objects.count() == 0


def test_an_update_sent_both_ways_is_recorded_alike(client, town, tokens, project):
    fields = {"percent_complete": 40, "done": "Bins ordered", "next_steps": "Deliver"}
    by_page(client, town.person("officer"), project, fields, submit=True)
    page = ProjectUpdate.objects.get()
    page_history = [(r.action, r.after) for r in page.revisions.order_by("number")]
    page_state = page.state
    page.revisions.all().delete()
    page.delete()

    send(client, tokens["officer"], {"project": "DP-01", "period": OPEN, "submit": True, **fields})

    api = ProjectUpdate.objects.get()
    assert api.state == page_state
    assert [(r.action, r.after) for r in api.revisions.order_by("number")] == page_history


# --- Reading them ------------------------------------------------------------------------------


def test_the_updates_due_list_the_projects_with_what_is_entered(client, tokens, project):
    empty = client.get(ADDRESS, headers=bearer(tokens["officer"])).json()
    send(client, tokens["officer"], an_update())
    entered = client.get(ADDRESS, headers=bearer(tokens["officer"])).json()
    outsider = client.get(ADDRESS, headers=bearer(tokens["other_officer"])).json()

    assert empty["count"] == 1
    assert empty["results"][0]["project"] == "DP-01"
    assert empty["results"][0]["lead_service"] == "waste"
    assert empty["results"][0]["period_code"] == OPEN
    assert empty["results"][0]["update"] is None
    assert entered["results"][0]["update"]["lock_version"] == 1
    assert entered["results"][0]["update"]["percent_complete"] == 40
    assert outsider["count"] == 0


def test_a_retried_update_with_its_idempotency_key_is_recorded_once(client, tokens, project):
    first = send(client, tokens["officer"], an_update(), **{"Idempotency-Key": "update-1"})
    again = send(client, tokens["officer"], an_update(), **{"Idempotency-Key": "update-1"})

    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert ProjectUpdateRevision.objects.count() == 1
