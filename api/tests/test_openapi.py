"""The OpenAPI document tells the truth: schemathesis reads the application's document and
sends every public endpoint generated requests, checking that none is a server error, every
response matches its documented schema and every status code is documented.

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

from api.v1 import api
from publishing.tests.conftest import AFTER, at

pytestmark = pytest.mark.django_db

OPENAPI = "/api/v1/openapi.json"
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())


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


def test_the_document_tested_is_the_one_served(client, published):
    with at(AFTER):
        assert client.get(OPENAPI).json() == schema.raw_schema


def test_the_document_names_every_public_endpoint(client, published):
    with at(AFTER):
        document = client.get(OPENAPI).json()
    assert document["info"]["title"] == "Golden Thread API"
    assert document["info"]["version"] == "1"
    assert sorted(document["paths"]) == [
        "/api/v1/ambitions/",
        "/api/v1/indicators/",
        "/api/v1/indicators/{code}/",
        "/api/v1/periods/",
        "/api/v1/reports/",
        "/api/v1/reports/{id}/",
        "/api/v1/values/",
    ]
    for path, operations in document["paths"].items():
        responses = operations["get"]["responses"]
        for status, response in responses.items():
            kind = "application/json" if status == "200" else "application/problem+json"
            assert kind in response["content"], (path, status)
    csv = document["paths"]["/api/v1/values/"]["get"]["responses"]["200"]["content"]
    assert "text/csv" in csv


KNOWN = [
    ("/api/v1/indicators/{code}/", {"code": "RCY-01"}, {}, {}),
    ("/api/v1/indicators/{code}/", {"code": "SEC-01"}, {}, {}),
    ("/api/v1/reports/{id}/", {"id": "released"}, {}, {}),
    ("/api/v1/values/", {}, {"period": "latest", "format": "csv"}, {}),
    ("/api/v1/values/", {}, {"indicator": "LIB-01"}, {"Accept": "text/csv"}),
    ("/api/v1/values/", {}, {"page": "2", "page_size": "2"}, {}),
]


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
