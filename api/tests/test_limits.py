"""The API's limits: requests a minute per address (or per token), and the body's size. Both
answer with problem details before any view runs; other pages are not limited."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from api.limits import over_limit

pytestmark = pytest.mark.django_db

OPENAPI = "/api/v1/openapi.json"


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()
    yield
    cache.clear()


def test_an_address_over_its_minute_is_told_when_to_come_back(client, settings):
    settings.API_ANONYMOUS_REQUESTS_PER_MINUTE = 3

    answers = [client.get(OPENAPI) for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert refused["Content-Type"] == "application/problem+json"
    assert 1 <= int(refused["Retry-After"]) <= 60
    body = refused.json()
    assert body["status"] == 429
    assert body["detail"].startswith("Too many requests: at most 3 a minute from one address.")
    assert "private" in refused["Cache-Control"]
    # The rest of the product is not counted.
    assert client.get(reverse("publishing:home")).status_code == 200


def test_each_token_counts_on_its_own(client, settings):
    settings.API_ANONYMOUS_REQUESTS_PER_MINUTE = 1
    settings.API_TOKEN_REQUESTS_PER_MINUTE = 2

    first = [client.get(OPENAPI, HTTP_AUTHORIZATION="Bearer one") for _ in range(3)]
    other = client.get(OPENAPI, HTTP_AUTHORIZATION="Bearer two")
    anonymous = [client.get(OPENAPI) for _ in range(2)]

    assert [a.status_code for a in first] == [200, 200, 429]
    assert "from one token" in first[-1].json()["detail"]
    assert other.status_code == 200
    assert [a.status_code for a in anonymous] == [200, 429]


def test_the_count_starts_again_each_minute(rf, settings):
    settings.API_ANONYMOUS_REQUESTS_PER_MINUTE = 1
    request = rf.get(OPENAPI)

    assert over_limit(request, now=120.0) is None
    assert over_limit(request, now=150.0) == (1, 30, "address")
    assert over_limit(request, now=180.0) is None


def test_a_body_over_the_limit_is_refused_before_it_is_read(client, settings):
    settings.API_MAX_BODY_BYTES = 100

    refused = client.post(OPENAPI, data="x" * 101, content_type="application/json")

    assert refused.status_code == 413
    assert refused.json()["detail"] == "The request's body is 101 bytes; the API takes at most 100."
