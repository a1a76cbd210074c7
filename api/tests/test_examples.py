"""The examples in docs/api.md work: the latest published scorecard as a table, read here with
the csv module (the documentation reads the same address with pandas); and the housing system
sending a month's figures, run as written against the API (through Django's test client, in
place of requests)."""

from __future__ import annotations

import csv
import io
import re
import sys
import types
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from api.tokens import create_token
from indicators.models import CycleState, Frequency, Period, Value
from indicators.tests.factories import IndicatorFactory, ReportingCycleFactory
from organisation.models import Role
from organisation.tests.factories import OrgUnitFactory, UserFactory
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


# --- A housing system sending a month's figures -----------------------------------------------


def housing_example() -> str:
    """The guide's Python example that sends figures with an Idempotency-Key."""
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(), flags=re.DOTALL)
    found = [block for block in blocks if "Idempotency-Key" in block]
    assert len(found) == 1, "docs/api.md has no single example sending figures"
    return found[0]


class _Answer:
    """Django's response, as much of a requests.Response as the example uses."""

    def __init__(self, response):
        self.status_code = response.status_code
        self.headers = response.headers
        self._response = response

    def json(self):
        return self._response.json()

    def raise_for_status(self):
        assert self.status_code < 400, self._response.content


class _Session:
    """requests.Session, sending through the test client to the same addresses."""

    def __init__(self, client):
        self.client = client
        self.headers = {}

    def get(self, url, params=None, timeout=None):
        path = urlsplit(url).path
        return _Answer(self.client.get(path, params or {}, headers=self.headers))

    def post(self, url, json=None, headers=None, timeout=None):
        return _Answer(
            self.client.post(
                urlsplit(url).path,
                json,
                content_type="application/json",
                headers={**self.headers, **(headers or {})},
            )
        )


@pytest.fixture
def housing(town):
    """People's housing service, its data owner and two monthly indicators, September 2026's
    cycle open."""
    service = OrgUnitFactory(
        council=town.council, parent=town.people, name="Housing", code="housing"
    )
    owner = UserFactory(username="housing", roles=[Role.DATA_OWNER], units=[service])
    IndicatorFactory(
        code="HSG-01",
        title="Average days to re-let a council home",
        unit="days",
        polarity="lower_is_better",
        frequency=Frequency.MONTHLY,
        owner=service,
    )
    IndicatorFactory(
        code="HSG-02",
        title="Repairs done on time",
        frequency=Frequency.MONTHLY,
        owner=service,
        numerator_label="Repairs done on time",
        denominator_label="Repairs done",
    )
    ReportingCycleFactory(
        period=Period.objects.get(kind="month", code="2026-09"), state=CycleState.OPEN
    )
    return owner


def test_the_housing_example_sends_a_months_figures_once(client, housing, monkeypatch, capsys):
    secret = create_token(user=housing, name="Housing system").secret
    monkeypatch.setenv("GOLDEN_THREAD_TOKEN", secret)
    monkeypatch.setenv("GOLDEN_THREAD_API", "http://testserver/api/v1")
    requests = types.SimpleNamespace(
        Session=lambda: _Session(client), ConnectionError=ConnectionError, Response=_Answer
    )
    monkeypatch.setitem(sys.modules, "requests", requests)
    example = housing_example()

    exec(compile(example, "docs/api.md", "exec"), {"__name__": "housing_example"})
    exec(compile(example, "docs/api.md", "exec"), {"__name__": "housing_example"})

    values = Value.objects.filter(period__code="2026-09").order_by("indicator__code")
    assert [(v.indicator.code, str(v.figure.normalize()), v.state) for v in values] == [
        ("HSG-01", "23.5", "draft"),
        ("HSG-02", "96.1", "draft"),
    ]
    assert [v.revisions.count() for v in values] == [1, 1]
    assert (values[1].numerator, values[1].denominator) == (1441, 1500)
    printed = capsys.readouterr().out.splitlines()
    assert printed[:2] == ["HSG-01 draft Data only", "HSG-02 draft Data only"]
