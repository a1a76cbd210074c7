"""Errors are RFC 9457 problem details, naming each invalid parameter and its problem."""

from __future__ import annotations

import pytest

from api.problems import INVALID_PARAMETERS, INVALID_PARAMETERS_DETAIL, NOT_FOUND, PROBLEM_JSON
from publishing.tests.conftest import AFTER, at

pytestmark = pytest.mark.django_db

NOT_AN_INTEGER = "Input should be a valid integer, unable to parse string as an integer"
NOT_FOUND_PROBLEM = {
    "type": "about:blank",
    "title": "Not Found",
    "status": 404,
    "detail": NOT_FOUND,
}


def problem(client, address, status):
    with at(AFTER):
        response = client.get(address)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM_JSON
    return response.json()


@pytest.mark.parametrize(
    "address",
    [
        "/api/v1/indicators/NEVER-01/",
        "/api/v1/reports/999999/",
        "/api/v1/nothing-here/",
        "/api/v1/indicators//",
        "/api/v1/periods/2026-27-Q1/",
    ],
)
def test_anything_not_published_is_the_same_404(client, published, address):
    assert problem(client, address, 404) == NOT_FOUND_PROBLEM


def test_an_address_without_its_final_slash_is_sent_on_to_it(client, published):
    with at(AFTER):
        response = client.get("/api/v1/periods")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/periods/"


@pytest.mark.parametrize(
    ("address", "errors"),
    [
        (
            "/api/v1/values/?page_size=501",
            [("page_size", "query", "Input should be less than or equal to 500")],
        ),
        (
            "/api/v1/values/?page=0&page_size=0",
            [
                ("page", "query", "Input should be greater than or equal to 1"),
                ("page_size", "query", "Input should be greater than or equal to 1"),
            ],
        ),
        (
            "/api/v1/periods/?page=first",
            [("page", "query", NOT_AN_INTEGER)],
        ),
        ("/api/v1/values/?format=xml", [("format", "query", "Input should be 'json' or 'csv'")]),
        (
            "/api/v1/periods/?kind=month",
            [("kind", "query", "Input should be 'quarter' or 'financial_year'")],
        ),
        (
            "/api/v1/reports/one/",
            [
                (
                    "id",
                    "path",
                    "Input should be a valid integer, unable to parse string as an integer",
                )
            ],
        ),
    ],
)
def test_invalid_parameters_are_each_named_with_the_problem(client, published, address, errors):
    body = problem(client, address, 422)

    assert body["type"] == "http://testserver/api/v1/docs/#invalid-parameters"
    assert body["title"] == INVALID_PARAMETERS
    assert body["status"] == 422
    assert body["detail"] == INVALID_PARAMETERS_DETAIL
    assert [(e["name"], e["location"], e["detail"]) for e in body["errors"]] == errors


def test_a_problem_never_repeats_what_was_asked_for(client, published):
    body = problem(client, "/api/v1/values/?page_size=SECRET-WORD", 422)
    assert "SECRET-WORD" not in str(body)
