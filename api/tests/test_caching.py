"""Every public API response may be kept by a proxy and revalidated cheaply, as the public
site's pages may (the same ETag and Last-Modified, from `publishing.caching`)."""

from __future__ import annotations

import datetime

import pytest
from django.utils.http import http_date, parse_http_date

from api.caching import LAYOUT
from publishing.tests.conftest import AFTER, BEFORE, LATER, Q1, at
from reports.reporting import withdraw_report

pytestmark = pytest.mark.django_db

ADDRESSES = [
    "/api/v1/periods/",
    "/api/v1/ambitions/",
    "/api/v1/indicators/",
    "/api/v1/indicators/RCY-01/",
    "/api/v1/values/",
    f"/api/v1/values/?period={Q1}&format=csv",
    "/api/v1/benchmark-positions/",
    "/api/v1/benchmark-positions/?format=csv",
    "/api/v1/reports/",
    "/api/v1/openapi.json",
    "/api/v1/docs/",
]


def test_every_response_may_be_kept_by_a_proxy_for_five_minutes(client, published):
    with at(BEFORE):
        for address in ADDRESSES:
            response = client.get(address)
            assert response.status_code == 200, address
            assert response["Cache-Control"] == "public, max-age=300", address
            assert response["ETag"].startswith(f'"{LAYOUT}-'), address
            # Last-Modified is when the latest published report was released.
            assert parse_http_date(response["Last-Modified"]) == int(
                published.q1_meeting.starts_at.timestamp()
            ), address
            assert response["Access-Control-Allow-Origin"] == "*", address
            assert "Accept" in response["Vary"], address


def test_errors_may_be_kept_too_but_carry_no_validators(client, published):
    with at(AFTER):
        for address in ("/api/v1/indicators/NEVER-01/", "/api/v1/values/?page=0", "/api/v1/x/"):
            response = client.get(address)
            assert response.status_code in (404, 422), address
            assert response["Cache-Control"] == "public, max-age=300", address
            assert "ETag" not in response, address


def test_a_matching_etag_is_answered_not_modified(client, published):
    with at(AFTER):
        for address in ADDRESSES:
            first = client.get(address)
            again = client.get(address, headers={"If-None-Match": first["ETag"]})
            assert again.status_code == 304, address
            assert again.content == b"", address
            assert again["ETag"] == first["ETag"], address
            assert again["Cache-Control"] == "public, max-age=300", address


def test_an_unchanged_site_since_a_time_is_answered_not_modified(client, published):
    with at(AFTER):
        since = client.get("/api/v1/values/")["Last-Modified"]
        assert client.get("/api/v1/values/", headers={"If-Modified-Since": since}).status_code == (
            304
        )
        earlier = http_date(parse_http_date(since) - 60)
        response = client.get("/api/v1/values/", headers={"If-Modified-Since": earlier})
        assert response.status_code == 200


def test_json_and_csv_at_one_address_have_their_own_etags(client, published):
    with at(AFTER):
        as_json = client.get("/api/v1/values/")
        as_csv = client.get("/api/v1/values/", headers={"Accept": "text/csv"})
        assert as_json["ETag"] != as_csv["ETag"]
        stale = client.get(
            "/api/v1/values/", headers={"Accept": "text/csv", "If-None-Match": as_json["ETag"]}
        )
        assert stale.status_code == 200
        assert stale["Content-Type"].startswith("text/csv")


def test_a_release_and_a_withdrawal_change_the_etag(client, published):
    with at(BEFORE):
        before = client.get("/api/v1/values/")["ETag"]
    with at(AFTER):
        released = client.get("/api/v1/values/", headers={"If-None-Match": before})
        assert released.status_code == 200
        assert released["ETag"] != before
    with at(LATER):
        withdraw_report(published.embargoed, by=published.performance, reason="To correct")
        withdrawn = client.get("/api/v1/values/", headers={"If-None-Match": released["ETag"]})
        assert withdrawn.status_code == 200
        assert parse_http_date(withdrawn["Last-Modified"]) == int(LATER.timestamp())
    with at(LATER + datetime.timedelta(minutes=1)):
        assert client.get("/api/v1/values/").json()["count"] == 2


def test_what_the_api_does_not_mark_public_is_kept_by_no_one(client, published):
    response = client.get("/api/v1/")
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
