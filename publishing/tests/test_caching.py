"""Every public response may be cached by a proxy, and revalidated cheaply."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils.http import http_date, parse_http_date

from publishing.tests.conftest import AFTER, BEFORE, LATER, Q1, at
from reports.reporting import withdraw_report

pytestmark = pytest.mark.django_db


def addresses(published):
    return [
        reverse("publishing:home"),
        reverse("publishing:scorecard", args=[Q1]),
        reverse("publishing:indicator", args=["RCY-01"]),
        reverse("publishing:report", args=[published.released.pk]),
        reverse("publishing:download", args=[published.released.pk, "pdf"]),
        reverse("publishing:period_data", args=[Q1, "csv"]),
        reverse("publishing:schema"),
        reverse("publishing:sitemap"),
        reverse("publishing:feed"),
        reverse("publishing:accessibility"),
    ]


def test_every_public_response_may_be_kept_by_a_proxy_for_five_minutes(client, published):
    with at(BEFORE):
        for address in addresses(published):
            response = client.get(address)
            assert response.status_code == 200, address
            assert response["Cache-Control"] == "public, max-age=300", address
            assert response["ETag"].startswith('"'), address
            # Last-Modified is when the latest published report was released.
            assert parse_http_date(response["Last-Modified"]) == int(
                published.q1_meeting.starts_at.timestamp()
            ), address


def test_not_found_is_cacheable_too_but_carries_no_validators(client, published):
    with at(BEFORE):
        response = client.get(reverse("publishing:report", args=[published.embargoed.pk]))
    assert response.status_code == 404
    assert response["Cache-Control"] == "public, max-age=300"
    assert "ETag" not in response


def test_public_pages_carry_no_nonce_so_a_cached_copy_still_runs(client, published):
    with at(BEFORE):
        response = client.get(reverse("publishing:home"))
    assert "nonce" not in response["Content-Security-Policy"]
    assert "nonce=" not in response.content.decode()


def test_an_unchanged_site_answers_not_modified(client, published):
    address = reverse("publishing:scorecard", args=[Q1])
    with at(BEFORE):
        first = client.get(address)
        again = client.get(address, headers={"if-none-match": first["ETag"]})
        since = client.get(address, headers={"if-modified-since": first["Last-Modified"]})
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == "public, max-age=300"
    assert since.status_code == 304


def test_a_release_changes_the_validators(client, published):
    address = reverse("publishing:scorecard", args=[Q1])
    with at(BEFORE):
        first = client.get(address)
    with at(AFTER):
        after = client.get(address, headers={"if-none-match": first["ETag"]})
        since = client.get(address, headers={"if-modified-since": first["Last-Modified"]})
    assert after.status_code == 200
    assert after["ETag"] != first["ETag"]
    assert after["Last-Modified"] == http_date(AFTER.timestamp())
    assert since.status_code == 200


def test_a_withdrawal_changes_the_validators(client, published):
    address = reverse("publishing:home")
    with at(LATER):
        first = client.get(address)
        withdraw_report(published.embargoed, by=published.performance, reason="Wrong figure")
    with at(LATER + datetime.timedelta(minutes=1)):
        after = client.get(address, headers={"if-none-match": first["ETag"]})
        since = client.get(address, headers={"if-modified-since": first["Last-Modified"]})
    assert after.status_code == 200
    assert after["ETag"] != first["ETag"]
    # The withdrawal is later than any release, so a date-only revalidation sees it too.
    assert parse_http_date(after["Last-Modified"]) == int(LATER.timestamp())
    assert since.status_code == 200


def test_only_reading_is_allowed(client, published):
    with at(BEFORE):
        response = client.post(reverse("publishing:home"))
    assert response.status_code == 405


def test_renaming_the_council_changes_the_validators(client, published):
    from organisation.models import Council

    address = reverse("publishing:home")
    with at(BEFORE):
        first = client.get(address)
        Council.objects.update(name="Testshire County Council")
        again = client.get(address, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 200
    assert "Testshire County Council" in again.content.decode()
