"""HEAD on every public address answers as GET does, with no body: the same status, ETag,
Last-Modified, Content-Type and Content-Length, and 304 to a conditional request."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import resolve

from api.tests.registers_and_comparisons import RELEASE
from publishing.tests.conftest import Q1, at

pytestmark = pytest.mark.django_db

# Not Vary: the first page a process renders adds Cookie to it, GET or HEAD alike.
SAME = ("ETag", "Last-Modified", "Content-Type", "Content-Length", "Cache-Control")


def addresses(registered) -> list[str]:
    pk = registered.q2.pk
    return [
        "/api/v1/openapi.json",
        "/api/v1/docs/",
        "/api/v1/periods/",
        "/api/v1/ambitions/",
        "/api/v1/indicators/",
        "/api/v1/indicators/RCY-01/",
        "/api/v1/values/",
        f"/api/v1/values/?period={Q1}&format=csv",
        "/api/v1/benchmark-positions/",
        "/api/v1/benchmark-positions/?format=csv",
        "/api/v1/reports/",
        f"/api/v1/reports/{pk}/",
        f"/api/v1/reports/{pk}/appendices/",
        f"/api/v1/reports/{pk}/appendices/risks/",
        f"/api/v1/reports/{pk}/appendices/change/?format=csv&table=2",
    ]


def test_head_answers_with_the_gets_headers(client, registered):
    with at(RELEASE):
        for address in addresses(registered):
            got = client.get(address)
            head = client.head(address)
            assert (got.status_code, head.status_code) == (200, 200), address
            assert head.content == b"", address
            for header in SAME:
                assert head[header] == got[header], (address, header)
            assert int(head["Content-Length"]) == len(got.content), address
            assert "Accept" in head["Vary"], address


def test_the_endpoint_itself_sends_no_body_to_head(registered):
    """Django's test client drops a HEAD's body on its own: ask the endpoint's view."""
    request = RequestFactory().head("/api/v1/benchmark-positions/")
    match = resolve(request.path_info)
    with at(RELEASE):
        response = match.func(request, *match.args, **match.kwargs)
    assert response.status_code == 200
    assert response.content == b""
    assert int(response["Content-Length"]) > 0
    assert request.method == "HEAD"


def test_a_conditional_head_is_answered_not_modified(client, registered):
    with at(RELEASE):
        for address in addresses(registered):
            got = client.get(address)
            for asked in (
                {"If-None-Match": got["ETag"]},
                {"If-Modified-Since": got["Last-Modified"]},
            ):
                head = client.head(address, headers=asked)
                assert head.status_code == 304, (address, asked)
                assert head["ETag"] == got["ETag"], address


def test_head_on_what_is_not_published_is_the_same_404_without_its_body(client, registered):
    with at(RELEASE):
        for address in (
            "/api/v1/reports/999999/appendices/",
            f"/api/v1/reports/{registered.q2.pk}/appendices/nowhere/",
            "/api/v1/indicators/NEVER-01/",
            "/api/v1/nowhere/",
        ):
            got, head = client.get(address), client.head(address)
            assert (got.status_code, head.status_code) == (404, 404), address
            assert head["Content-Type"] == got["Content-Type"] == "application/problem+json"
            assert head.content == b""


def test_a_method_not_allowed_names_head_among_those_allowed(client, registered):
    with at(RELEASE):
        response = client.delete("/api/v1/periods/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_head_on_a_signed_in_address_needs_a_token_as_get_does(client, registered):
    response = client.head("/api/v1/me/")
    assert response.status_code == 401
    assert "WWW-Authenticate" in response
