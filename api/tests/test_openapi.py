"""The OpenAPI document tells the truth: schemathesis reads the application's document and
sends every endpoint generated requests, checking that none is a server error, every
response matches its documented schema and every status code is documented. The signed-in
endpoints are sent them twice: with no token (each answers 401, as documented), and with a
working token, against the permission tests' council, where there are drafts to read and a
return open to send figures to.

The requests go through Django's WSGI application in-process, inside the test's transaction
(as with Django's test client, the connection is not closed between requests), against the
publishing world at the Q2 release, so that every endpoint has something to answer. It runs
on whichever database DATABASE_URL names.

The document is the one the application serves (checked below), made when the module is
loaded: schemathesis's fixture-based loader (`schemathesis.pytest.from_fixture`) does not work
with pytest 9.2, which no longer has the `_nodeid` it sets.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from api.signed_in import TAG
from api.tests.conftest import bearer
from api.tests.registers_and_comparisons import RELEASE
from api.v1 import api
from publishing.tests.conftest import AFTER, at

pytestmark = pytest.mark.django_db

OPENAPI = "/api/v1/openapi.json"
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
signed_in = schema.include(tag=TAG)


@pytest.fixture
def application():
    """Django's WSGI application, keeping the test's connection (and so its transaction)
    open between requests, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_public_endpoint_keeps_to_its_documented_contract(case, published, application):
    with at(AFTER):
        case.call_and_validate(app=application, checks=CHECKS)


@signed_in.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_signed_in_endpoint_keeps_to_its_contract_with_a_token(
    case, town, tokens, project, application
):
    case.call_and_validate(app=application, checks=CHECKS, headers=bearer(tokens["officer"]))


def test_the_document_tested_is_the_one_served(client, published):
    with at(AFTER):
        assert client.get(OPENAPI).json() == schema.raw_schema


PUBLIC = [
    ("/api/v1/ambitions/", "get"),
    ("/api/v1/benchmark-positions/", "get"),
    ("/api/v1/indicators/", "get"),
    ("/api/v1/indicators/{code}/", "get"),
    ("/api/v1/periods/", "get"),
    ("/api/v1/reports/", "get"),
    ("/api/v1/reports/{id}/", "get"),
    ("/api/v1/reports/{id}/appendices/", "get"),
    ("/api/v1/reports/{id}/appendices/{anchor}/", "get"),
    ("/api/v1/values/", "get"),
]
SIGNED_IN = [
    ("/api/v1/budget-lines/", "get"),
    ("/api/v1/forecasts/", "post"),
    ("/api/v1/indicators/{code}/values/", "get"),
    ("/api/v1/me/", "get"),
    ("/api/v1/project-updates/", "get"),
    ("/api/v1/project-updates/", "post"),
    ("/api/v1/returns/", "get"),
    ("/api/v1/values/", "post"),
]


def test_the_document_names_every_endpoint(client, published):
    with at(AFTER):
        document = client.get(OPENAPI).json()
    assert document["info"]["title"] == "Golden Thread API"
    assert document["info"]["version"] == "1"
    operations = sorted(
        (path, method) for path, methods in document["paths"].items() for method in methods
    )
    assert operations == sorted(PUBLIC + SIGNED_IN)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                kind = "application/json" if status == "200" else "application/problem+json"
                assert kind in response["content"], (path, method, status)
    for path in (
        "/api/v1/values/",
        "/api/v1/benchmark-positions/",
        "/api/v1/reports/{id}/appendices/{anchor}/",
    ):
        assert "text/csv" in document["paths"][path]["get"]["responses"]["200"]["content"], path


def test_the_signed_in_endpoints_and_only_they_ask_for_a_bearer_token(client, published):
    with at(AFTER):
        document = client.get(OPENAPI).json()

    assert document["components"]["securitySchemes"] == {
        "PersonalToken": {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "gt_<prefix>_<secret>",
            "description": document["components"]["securitySchemes"]["PersonalToken"][
                "description"
            ],
        }
    }
    for path, method in SIGNED_IN:
        operation = document["paths"][path][method]
        assert operation["security"] == [{"PersonalToken": []}], (path, method)
        assert operation["tags"] == [TAG], (path, method)
        assert "401" in operation["responses"], (path, method)
    for path, method in PUBLIC:
        assert "security" not in document["paths"][path][method], (path, method)


KNOWN = [
    ("/api/v1/indicators/{code}/", {"code": "RCY-01"}, {}, {}),
    ("/api/v1/indicators/{code}/", {"code": "SEC-01"}, {}, {}),
    ("/api/v1/reports/{id}/", {"id": "released"}, {}, {}),
    ("/api/v1/values/", {}, {"period": "latest", "format": "csv"}, {}),
    ("/api/v1/values/", {}, {"indicator": "LIB-01"}, {"Accept": "text/csv"}),
    ("/api/v1/values/", {}, {"page": "2", "page_size": "2"}, {}),
]


FIGURE = {"indicator": "WST-01", "period": "2026-27-Q2"}
SIGNED_IN_KNOWN = [
    # path, method, path parameters, query, body, the status expected
    ("/api/v1/indicators/{code}/values/", "GET", {"code": "WST-01"}, {}, None, 200),
    ("/api/v1/indicators/{code}/values/", "GET", {"code": "PRK-01"}, {}, None, 404),
    ("/api/v1/returns/", "GET", {}, {"page_size": "1"}, None, 200),
    ("/api/v1/values/", "POST", {}, {}, {**FIGURE, "figure": 64.2, "lock_version": 1}, 200),
    ("/api/v1/values/", "POST", {}, {}, {**FIGURE, "figure": "64.2", "lock_version": 9}, 409),
    ("/api/v1/values/", "POST", {}, {}, {**FIGURE, "figure": "6.1234567"}, 422),
    ("/api/v1/values/", "POST", {}, {}, {**FIGURE, "indicator": "WST-02"}, 409),
    ("/api/v1/values/", "POST", {}, {}, {**FIGURE, "period": "2026-27-Q3"}, 422),
]


@pytest.mark.parametrize(
    ("path", "method", "path_parameters", "query", "body", "status"), SIGNED_IN_KNOWN
)
def test_what_generated_signed_in_requests_rarely_reach_keeps_to_the_contract_too(
    town, tokens, application, path, method, path_parameters, query, body, status
):
    """Generated codes rarely name an indicator in the token's scope, nor an open period."""
    operation = schema[path][method]
    case = (
        operation.Case(path_parameters=path_parameters, query=query)
        if body is None
        else operation.Case(body=body, media_type="application/json")
    )
    response = case.call_and_validate(
        app=application, checks=CHECKS, headers=bearer(tokens["officer"])
    )
    assert response.status_code == status


@pytest.mark.parametrize(("path", "path_parameters", "query", "headers"), KNOWN)
def test_what_generated_requests_rarely_reach_keeps_to_the_contract_too(
    published, application, path, path_parameters, query, headers
):
    """Generated codes and numbers rarely name something published: these do."""
    if path_parameters.get("id") == "released":
        path_parameters = {"id": published.released.pk}
    case = schema[path]["GET"].Case(path_parameters=path_parameters, query=query, headers=headers)
    with at(AFTER):
        response = case.call_and_validate(app=application, checks=CHECKS)
    assert response.status_code == 200


CSV = {"Accept": "text/csv"}


# The Q2 report with the registers (registers_and_comparisons.py): generated numbers and names
# never reach its appendices, nor a filter that keeps some benchmark positions.
WITH_REGISTERS = [
    ("/api/v1/reports/{id}/", {}, {}, {}),
    ("/api/v1/reports/{id}/appendices/", {}, {"page_size": "2"}, {}),
    ("/api/v1/reports/{id}/appendices/{anchor}/", {"anchor": "risks"}, {}, {}),
    ("/api/v1/reports/{id}/appendices/{anchor}/", {"anchor": "how-we-compare"}, {}, {}),
    ("/api/v1/reports/{id}/appendices/{anchor}/", {"anchor": "change"}, {"table": "2"}, CSV),
    ("/api/v1/benchmark-positions/", {}, {"quartile": "top", "period": "latest"}, {}),
    ("/api/v1/benchmark-positions/", {}, {"format": "csv"}, {}),
]


@pytest.mark.parametrize(("path", "path_parameters", "query", "headers"), WITH_REGISTERS)
def test_appendices_and_benchmark_positions_keep_to_the_contract(
    registered, application, path, path_parameters, query, headers
):
    if "{id}" in path:
        path_parameters = {**path_parameters, "id": registered.q2.pk}
    case = schema[path]["GET"].Case(path_parameters=path_parameters, query=query, headers=headers)
    with at(RELEASE):
        response = case.call_and_validate(app=application, checks=CHECKS)
    assert response.status_code == 200
    assert response.content
