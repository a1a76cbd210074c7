"""A public page is rendered once for each state of what is public, and then served as kept:
a later request reads only what tells it whether anything public has changed. A release, a
withdrawal or a renamed council is a new state, so the page is rendered again."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from publishing.tests.conftest import AFTER, BEFORE, LATER, Q1, Q2, at
from publishing.tests.test_caching import addresses
from reports.reporting import withdraw_report

pytestmark = pytest.mark.django_db

# What a kept page costs: the public generation. What is public (the released reports, the
# withdrawals, the ambitions with their plans and outcomes, the council) is worked out again
# only when the generation moves or the clock reaches the next release time.
IDENTITY_QUERIES = 1


def fetched(client, address, method="get"):
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(address)
    return response, len(queries)


def test_a_page_asked_for_again_is_the_same_page_read_from_the_cache(client, published):
    with at(BEFORE):
        for address in addresses(published):
            first, first_queries = fetched(client, address)
            again, again_queries = fetched(client, address)
            if first.streaming:  # a report's file is sent from storage, not kept
                continue
            assert again.content == first.content, address
            assert again["Content-Type"] == first["Content-Type"], address
            assert again.get("Content-Disposition") == first.get("Content-Disposition"), address
            assert again["ETag"] == first["ETag"], address
            assert again_queries <= min(IDENTITY_QUERIES, first_queries), address
            # Nothing is rendered again (a page's templates are rendered only the first time).
            assert not again.templates, address
            if first["Content-Type"].startswith("text/html"):
                assert first.templates, address


def test_a_release_is_shown_at_once_by_a_page_kept_before_it(client, published):
    address = reverse("publishing:scorecards")
    with at(BEFORE):
        before = client.get(address).content.decode()
        client.get(address)
    with at(AFTER):
        after = client.get(address).content.decode()

    assert "Q2 2026/27" not in before
    assert "Q2 2026/27" in after


def test_a_withdrawal_leaves_every_kept_page_at_once(client, published):
    address = reverse("publishing:scorecard", args=[Q2])
    with at(LATER):
        assert client.get(address).status_code == 200
        withdraw_report(published.embargoed, by=published.performance, reason="Wrong figure")
    with at(LATER + datetime.timedelta(minutes=1)):
        assert client.get(address).status_code == 404


def test_a_head_request_keeps_nothing_a_later_get_would_miss(client, published):
    address = reverse("publishing:scorecard", args=[Q1])
    with at(BEFORE):
        head = client.head(address)
        get = client.get(address)

    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert b"RCY-01" in get.content


def test_each_host_keeps_its_own_copy(client, published):
    address = reverse("publishing:sitemap")
    with at(BEFORE):
        one = client.get(address, HTTP_HOST="testserver").content.decode()
        other = client.get(address, HTTP_HOST="localhost").content.decode()

    assert "http://testserver/" in one
    assert "http://localhost/" in other


def test_a_change_no_model_hears_still_changes_the_validators_at_once(client, published):
    """The database moves the public generation itself: a report changed with plain SQL
    (no signal, no save) is seen by the very next request."""
    address = reverse("publishing:scorecards")
    with at(LATER):
        first = client.get(address)
        assert "Q2 2026/27" in first.content.decode()
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE reports_report SET publish_after = %s WHERE id = %s",
                [LATER + datetime.timedelta(days=30), published.embargoed.pk],
            )
        after, queries = fetched(client, address)

    assert after["ETag"] != first["ETag"]
    assert "Q2 2026/27" not in after.content.decode()
    assert queries > IDENTITY_QUERIES  # worked out again


def test_a_release_time_reached_works_out_what_is_public_again(client, published):
    """Nothing in the database changes when an embargo ends: what was worked out before it
    holds only until then."""
    address = reverse("publishing:scorecards")
    with at(BEFORE):
        client.get(address)
        _kept, queries = fetched(client, address)
        assert queries == IDENTITY_QUERIES
    with at(AFTER):
        released, queries = fetched(client, address)
        assert queries > IDENTITY_QUERIES
        _kept, queries = fetched(client, address)
        assert queries == IDENTITY_QUERIES
    with at(BEFORE):  # a clock put back is never served what was public later
        again = client.get(address).content.decode()

    assert "Q2 2026/27" in released.content.decode()
    assert "Q2 2026/27" not in again


def test_a_database_emptied_and_loaded_again_never_serves_what_it_kept_before(client, published):
    """A restore empties the public generation and the triggers number it again while the
    rows come back, so its number may repeat; the random epoch drawn with the new row does
    not, and what was kept under the old one is not used."""
    from organisation.models import Council
    from publishing.caching import _generation
    from publishing.models import PublicGeneration

    address = reverse("publishing:home")
    with at(LATER):
        first = client.get(address)
        epoch, number = _generation()
        PublicGeneration.objects.all().delete()  # as a restore empties it …
        Council.objects.update(name="Restoreshire Council")  # … and loads the rows again
        PublicGeneration.objects.update(number=number)  # the same number as before
        assert _generation() != (epoch, number)
        again = client.get(address)

    assert again["ETag"] != first["ETag"]
    assert "Restoreshire Council" in again.content.decode()
