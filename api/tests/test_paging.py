"""Lists come a page at a time, with the total and the next and previous pages."""

from __future__ import annotations

import pytest

from publishing.tests.conftest import AFTER, Q1, Q2, at

pytestmark = pytest.mark.django_db

VALUES = "http://testserver/api/v1/values/"


def page(client, address):
    with at(AFTER):
        response = client.get(address)
    assert response.status_code == 200
    return response.json()


def test_a_list_gives_the_total_and_the_pages_on_either_side(client, published):
    first = page(client, "/api/v1/values/?page_size=2")
    middle = page(client, first["next"])
    last = page(client, middle["next"])

    assert [p["count"] for p in (first, middle, last)] == [5, 5, 5]
    assert [p["page"] for p in (first, middle, last)] == [1, 2, 3]
    assert first["previous"] is None
    assert first["next"] == f"{VALUES}?page_size=2&page=2"
    assert middle["previous"] == f"{VALUES}?page_size=2&page=1"
    assert middle["next"] == f"{VALUES}?page_size=2&page=3"
    assert last["next"] is None
    seen = [
        (v["period_code"], v["indicator_code"]) for p in (first, middle, last) for v in p["results"]
    ]
    assert seen == [(Q2, "LIB-01"), (Q2, "RCY-01"), (Q2, "SEC-01"), (Q1, "LIB-01"), (Q1, "RCY-01")]


def test_the_links_keep_the_filters(client, published):
    first = page(client, "/api/v1/values/?indicator=RCY-01&page_size=1")
    assert first["count"] == 2
    assert first["next"] == f"{VALUES}?indicator=RCY-01&page_size=1&page=2"
    assert page(client, first["next"])["results"][0]["period_code"] == Q1


def test_a_page_past_the_last_is_empty_and_leads_back_to_the_last(client, published):
    beyond = page(client, "/api/v1/values/?page=9&page_size=2")
    assert beyond["results"] == []
    assert beyond["count"] == 5
    assert beyond["next"] is None
    assert beyond["previous"] == f"{VALUES}?page=3&page_size=2"


def test_the_default_page_holds_a_hundred(client, published):
    body = page(client, "/api/v1/reports/")
    assert (body["page"], body["page_size"], body["count"]) == (1, 100, 2)
    assert body["next"] is None and body["previous"] is None
