"""A figure sent through the API and one typed on the return page are checked alike: the same
messages for the same mistakes, and, once saved, the same revisions and the same state.

The council is the returns tests' (returns/tests/conftest.py): Waste's Household waste recycled
(WST-01, a percentage with a numerator and a denominator, target 50% in Q2 2026/27, its figures
steady around 45% so 90% is unusual), with Q2's cycle open. Each case is sent both ways, each
inside a transaction rolled back afterwards, so both start from the same return.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from api.tests.conftest import bearer
from api.tokens import create_token
from indicators import entries
from indicators.models import Value
from returns import validation
from returns.forms import NUMBER_PROBLEM

pytestmark = pytest.mark.django_db

TITLE = "Household waste recycled"
RED_FIGURE = {"figure": "45", "commentary": ""}  # 45% against 50% (5% tolerance) is Red


@pytest.fixture
def secret(officer) -> str:
    return create_token(user=officer, name="Housing system").secret


def by_form(client, cycle, officer, fields: dict, *, submit: bool):
    client.force_login(officer)
    data = {"data_quality": "final", "lock_version": "", **fields}
    posted = {f"WST-01-{name}": value for name, value in data.items()}
    if posted.pop("WST-01-confirm_unusual", False):
        posted["WST-01-confirm_unusual"] = "on"
    posted["submit" if submit else "save"] = "1"
    response = client.post(reverse("returns:service", args=[cycle.pk, "waste"]), posted)
    client.logout()
    return response


def by_api(client, secret, fields: dict, *, submit: bool):
    body = {"indicator": "WST-01", "period": "2026-27-Q2", "submit": submit, **fields}
    return client.post(
        "/api/v1/values/", body, content_type="application/json", headers=bearer(secret)
    )


def page_messages(response) -> list[str]:
    assert response.status_code == 400, response.status_code
    return [message for message, _ in response.context["problems"]]


def api_messages(response) -> list[str]:
    assert response.status_code == 422, response.content
    return [error["detail"] for error in response.json()["errors"]]


def rolled_back(send):
    """What `send()` answers and leaves, undone afterwards."""
    with transaction.atomic():
        response = send()
        stored = [
            (
                value.state,
                value.figure,
                value.numerator,
                value.denominator,
                value.commentary,
                value.lock_version,
                [
                    (r.number, r.action, r.before, r.after, r.reason, r.changed_by_id)
                    for r in value.revisions.order_by("number")
                ],
            )
            for value in Value.objects.filter(period__code="2026-27-Q2")
        ]
        transaction.set_rollback(True)
    return response, stored


CASES = {
    "too many decimal places": (
        {"figure": "45.1234567"},
        False,
        [
            NUMBER_PROBLEM.format(
                title=TITLE,
                what="figure",
                problem=entries.TOO_MANY_PLACES.format(text="45.1234567"),
            )
        ],
    ),
    "not a number": (
        {"figure": "12,5a"},
        False,
        [
            NUMBER_PROBLEM.format(
                title=TITLE,
                what="figure",
                problem=entries.NOT_A_NUMBER.format(text="12,5a", example="92.5"),
            )
        ],
    ),
    "a missing numerator": (
        {"figure": "45", "denominator": "1000"},
        False,
        [validation.BOTH_OR_NEITHER.format(title=TITLE)],
    ),
    "a figure that does not match its parts": (
        {"figure": "45", "numerator": "400", "denominator": "1000"},
        False,
        [validation.FIGURE_MISMATCH.format(title=TITLE, figure="45.0%", expected="40.0%")],
    ),
    "a percentage over 100": (
        {"figure": "104"},
        False,
        [validation.PERCENT_RANGE.format(title=TITLE)],
    ),
    "no figure and no reason, submitted": (
        {"figure": "", "commentary": "To follow"},
        True,
        [validation.FIGURE_OR_REASON.format(title=TITLE)],
    ),
    "a red figure without commentary, submitted": (
        RED_FIGURE,
        True,
        [validation.COMMENTARY_REQUIRED.format(title=TITLE, status="Red")],
    ),
    "an unusual figure not confirmed, submitted": (
        {"figure": "90", "commentary": "New food waste round"},
        True,
        [validation.UNUSUAL_FIGURE.format(title=TITLE, figure="90.0%", low="41.3%", high="49.3%")],
    ),
    "an unusual figure confirmed without a reason, submitted": (
        {"figure": "90", "commentary": "New food waste round", "confirm_unusual": True},
        True,
        [validation.UNUSUAL_REASON_REQUIRED.format(title=TITLE)],
    ),
    "commentary over the length limit": (
        {"figure": "45", "commentary": "x" * 10_001},
        False,
        [f"{TITLE}: the commentary is 10,001 characters long; the limit is 10,000. Shorten it"],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_the_same_mistake_gets_the_same_message_both_ways(
    client, today, cycle, officer, recycling, secret, case
):
    fields, submit, expected = CASES[case]

    page, page_left = rolled_back(lambda: by_form(client, cycle, officer, fields, submit=submit))
    api, api_left = rolled_back(lambda: by_api(client, secret, fields, submit=submit))

    assert page_messages(page) == api_messages(api) == expected
    assert page_left == api_left == []


def test_a_number_sent_as_json_is_read_as_the_form_reads_it_typed(
    client, today, cycle, officer, recycling, secret
):
    typed = by_api(client, secret, {"figure": "45.1234567"}, submit=False)
    as_json = by_api(client, secret, {"figure": 45.1234567}, submit=False)

    assert api_messages(typed) == api_messages(as_json)


def test_a_period_whose_cycle_is_closed_gets_the_same_message_both_ways(
    client, today, cycle, officer, recycling, secret
):
    cycle.state = "closed"
    cycle.save()
    fields = {"figure": "45"}

    page, _ = rolled_back(lambda: by_form(client, cycle, officer, fields, submit=False))
    api, _ = rolled_back(lambda: by_api(client, secret, fields, submit=False))

    expected = "Returns for Q2 2026/27 are not open: the reporting cycle is closed"
    assert page_messages(page) == api_messages(api) == [expected]


def test_an_unusual_draft_gets_the_same_warning_both_ways(
    client, today, cycle, officer, recycling, secret
):
    fields = {"figure": "90"}

    page, page_left = rolled_back(lambda: by_form(client, cycle, officer, fields, submit=False))
    api, api_left = rolled_back(lambda: by_api(client, secret, fields, submit=False))

    warning = validation.UNUSUAL_FIGURE.format(
        title=TITLE, figure="90.0%", low="41.3%", high="49.3%"
    )
    shown = [str(m) for m in page.wsgi_request._messages]
    assert warning in shown
    assert api.json()["warnings"] == [warning]
    assert page_left == api_left


SAVED = {
    "a draft": (
        [({"figure": "47.5", "commentary": "Garden waste up"}, False)],
        "draft",
    ),
    "a draft, then submitted with its parts": (
        [
            ({"figure": "47.5", "commentary": "Garden waste up"}, False),
            (
                {
                    "figure": "45",
                    "numerator": "450",
                    "denominator": "1000",
                    "commentary": "Dry recycling fell after the contract change",
                    "actions": "Door-knocking in the worst rounds",
                    "lock_version": 1,
                },
                True,
            ),
        ],
        "submitted",
    ),
    "an unusual figure confirmed with a reason": (
        [
            (
                {
                    "figure": "90",
                    "commentary": "Big jump",
                    "confirm_unusual": True,
                    "unusual_reason": "New food waste round",
                },
                True,
            )
        ],
        "submitted",
    ),
    "no figure, with a reason": (
        [
            (
                {
                    "figure": "",
                    "not_available_reason": "Contractor data delayed",
                    "commentary": "Figure follows next quarter",
                },
                True,
            )
        ],
        "submitted",
    ),
}


def _form_fields(fields: dict) -> dict:
    """The same entries as the page posts them: every field, numbers as text."""
    posted = {"numerator": "", "denominator": "", "commentary": "", **fields}
    if "lock_version" in posted:
        posted["lock_version"] = str(posted["lock_version"])
    return posted


@pytest.mark.parametrize("case", SAVED)
def test_a_figure_saved_either_way_has_the_same_history_and_state(
    client, today, cycle, officer, recycling, secret, case
):
    steps, state = SAVED[case]

    def through_the_page():
        for fields, submit in steps:
            response = by_form(client, cycle, officer, _form_fields(fields), submit=submit)
            assert response.status_code == 302, response.context and response.context["problems"]

    def through_the_api():
        for fields, submit in steps:
            response = by_api(client, secret, fields, submit=submit)
            assert response.status_code == 200, response.content

    _, page_left = rolled_back(through_the_page)
    _, api_left = rolled_back(through_the_api)

    assert page_left == api_left
    ((stored_state, *_), *_) = api_left
    assert stored_state == state
