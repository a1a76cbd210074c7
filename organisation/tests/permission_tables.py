"""What every app's permission table shares: one test per cell (a row and a persona), and a
request that either does what it should or leaves the database exactly as it was.

An app's table module defines `database_state()` (what its refused requests must not change)
and binds it: `request_and_check = checked_by(database_state)`.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from organisation.tests.personas import PERSONAS, sign_in

SIGN_IN = "sign-in"  # the answer for someone not signed in: sent to sign in first


def cells(table: dict) -> list:
    """One test parameter per cell, named like `record a review-officer`."""
    return [
        pytest.param(row, persona, expected, id=f"{row}-{persona}")
        for row, answers in table.items()
        for persona, expected in zip(PERSONAS, answers, strict=True)
    ]


def checked_by(database_state: Callable[[], dict]) -> Callable:
    def request_and_check(client, person, request, expected, *, success=None, happened=None):
        """Make `request` (method, address, data) as `person` and check the answer is
        `expected`. Where that is the `success` answer, `happened(person)` checks the change;
        otherwise the database must be exactly as it was."""
        method, address, data = request
        sign_in(client, person)
        before = database_state()
        response = getattr(client, method)(address, data)
        if expected == SIGN_IN:
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login") + "?next=")
        else:
            assert response.status_code == expected
        if happened is not None and expected == success:
            happened(person)
            return
        assert database_state() == before

    return request_and_check
