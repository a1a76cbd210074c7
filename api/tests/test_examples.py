"""The examples in docs/api.md work: the latest published scorecard as a table, read here with
the csv module (the documentation reads the same address with pandas)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from publishing.opendata import FIELD_NAMES
from publishing.tests.conftest import AFTER, BEFORE, EMBARGOED_FIGURE, PUBLISHED_FIGURE, Q1, Q2, at

pytestmark = pytest.mark.django_db

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def scorecard_address() -> str:
    """The address the guide's pandas example reads, without its host."""
    found = re.search(r'pd\.read_csv\("([^"]+)"\)', GUIDE.read_text())
    assert found, "docs/api.md has no pd.read_csv example"
    parts = urlsplit(found.group(1))
    return f"{parts.path}?{parts.query}"


def read_table(client, address) -> list[dict]:
    response = client.get(address)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_latest_published_scorecard_as_a_table(client, published):
    address = scorecard_address()
    assert address == "/api/v1/values/?period=latest&format=csv"

    with at(AFTER):
        table = read_table(client, address)

    assert list(table[0]) == list(FIELD_NAMES)
    assert {row["period_code"] for row in table} == {Q2}
    assert [row["indicator_code"] for row in table] == ["LIB-01", "RCY-01", "SEC-01"]
    recycled = table[1]
    assert (recycled["value"], recycled["value_shown"], recycled["status"]) == (
        EMBARGOED_FIGURE,
        "73.9%",
        "green",
    )


def test_before_a_release_the_latest_scorecard_is_the_one_before(client, published):
    with at(BEFORE):
        table = read_table(client, scorecard_address())
    assert {row["period_code"] for row in table} == {Q1}
    assert table[1]["value"] == PUBLISHED_FIGURE
