"""A figure sent again with the same Idempotency-Key is answered as the first time and recorded
once; the same key with another request is refused; keys belong to a token and last a day."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from api.idempotency import OTHER_REQUEST
from api.models import IdempotentRequest
from api.tests.conftest import bearer
from audit.models import AuditEntry
from indicators.models import Value, ValueRevision

pytestmark = pytest.mark.django_db

KEY = "0b6f1a8e-6d7e-4d0a-9f0e-5b1c2d3e4f50"


def figure(town, value="64.2", **more) -> dict:
    return {
        "indicator": "WST-01",
        "period": "2026-27-Q2",
        "figure": value,
        "lock_version": town.draft.lock_version,
        **more,
    }


def post(client, secret, body, key=KEY):
    headers = bearer(secret)
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post("/api/v1/values/", body, content_type="application/json", headers=headers)


def recorded(town) -> tuple:
    value = Value.objects.get(pk=town.draft.pk)
    return (
        str(value.figure.normalize()),
        value.state,
        value.lock_version,
        ValueRevision.objects.filter(value=value).count(),
        AuditEntry.objects.filter(object_type="indicators.value").count(),
    )


def test_a_retried_request_is_answered_as_the_first_and_recorded_once(client, town, tokens):
    first = post(client, tokens["officer"], figure(town, submit=True))
    after_first = recorded(town)

    again = post(client, tokens["officer"], figure(town, submit=True))

    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert recorded(town) == after_first == ("64.2", "submitted", 3, 3, 1)


def test_the_same_key_with_another_request_is_refused(client, town, tokens):
    post(client, tokens["officer"], figure(town))
    after_first = recorded(town)

    other = post(client, tokens["officer"], figure(town, value="65"))

    problem = other.json()
    assert other.status_code == 422
    assert problem["title"] == "Idempotency-Key reused"
    assert problem["type"] == "http://testserver/api/v1/docs/#idempotency-key-reused"
    assert problem["errors"] == [
        {"name": "Idempotency-Key", "location": "header", "detail": OTHER_REQUEST}
    ]
    assert recorded(town) == after_first


def test_a_refused_request_keeps_no_key_so_it_may_be_corrected_and_sent_again(client, town, tokens):
    refused = post(client, tokens["officer"], figure(town, value="64.2345678"))

    corrected = post(client, tokens["officer"], figure(town, value="64.2"))

    assert (refused.status_code, corrected.status_code) == (422, 200)
    assert recorded(town)[0] == "64.2"


def test_a_key_belongs_to_its_token(client, town, tokens):
    post(client, tokens["officer"], figure(town))

    theirs = post(
        client, tokens["performance"], figure(town, lock_version=town.draft.lock_version + 1)
    )

    assert theirs.status_code == 200
    assert "Idempotent-Replayed" not in theirs
    assert IdempotentRequest.objects.filter(key=KEY).count() == 2


def test_a_key_is_kept_for_a_day(client, town, tokens):
    post(client, tokens["officer"], figure(town))

    with time_machine.travel(timezone.now() + datetime.timedelta(hours=25)):
        later = post(
            client, tokens["officer"], figure(town, lock_version=town.draft.lock_version + 1)
        )

    assert later.status_code == 200
    assert "Idempotent-Replayed" not in later
    assert IdempotentRequest.objects.filter(key=KEY).count() == 1


def test_without_a_key_a_retry_after_a_save_is_already_saved_or_a_conflict(client, town, tokens):
    """Without a key the retry carries the old lock_version: the figure already holds what it
    sends, so, as on the return page, nothing is recorded twice."""
    post(client, tokens["officer"], figure(town), key=None)

    again = post(client, tokens["officer"], figure(town), key=None)

    assert again.status_code == 200
    assert again.json()["already_saved"] is True
    assert recorded(town)[3] == 2  # recorded, edited


@pytest.mark.parametrize("key", ["", "has a space", "x" * 256, "ключ"])
def test_a_key_must_be_up_to_255_visible_characters(client, town, tokens, key):
    response = client.post(
        "/api/v1/values/",
        figure(town),
        content_type="application/json",
        headers={**bearer(tokens["officer"]), "Idempotency-Key": key},
    )

    assert response.status_code == 422
    assert [(e["name"], e["location"]) for e in response.json()["errors"]] == [
        ("Idempotency-Key", "header")
    ]
