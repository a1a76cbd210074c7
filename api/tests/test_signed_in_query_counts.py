"""The signed-in lists read a fixed number of queries (api/tests/signed_in_query_counts.json),
however long the page and however many returns and figures there are: the officer's token,
after its first use of the minute (which also notes the time of use)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.tests.conftest import bearer
from delivery.tests.factories import ProjectFactory
from delivery.workflow import record_update
from indicators.models import Period
from indicators.tests.factories import IndicatorFactory
from organisation.tests.personas import OPEN_PERIOD
from scorecards.tests.builders import Returns

pytestmark = pytest.mark.django_db

BASELINE = json.loads((Path(__file__).parent / "signed_in_query_counts.json").read_text())
ADDRESSES = {
    "me": "/api/v1/me/",
    "returns": "/api/v1/returns/",
    "draft_values": "/api/v1/indicators/WST-01/values/",
    "project_updates": "/api/v1/project-updates/",
}
# The finance tests' council's (test_forecasts): its partner forecasts for three lines.
FINANCE = {"budget_lines": "/api/v1/budget-lines/"}


def counts(client, secret: str, query: str = "", addresses=ADDRESSES) -> dict[str, int]:
    client.get("/api/v1/me/", headers=bearer(secret))  # the minute's first use, noted
    found = {}
    for name, address in addresses.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{address}?{query}", headers=bearer(secret))
            assert response.status_code == 200, name
        found[name] = len(queries)
    return found


def test_the_signed_in_lists_keep_to_their_query_baseline(client, town, tokens, project):
    assert counts(client, tokens["officer"]) == {
        name: count for name, count in BASELINE.items() if name in ADDRESSES
    }


def test_a_longer_page_costs_no_more_queries(client, town, tokens, project):
    for query in ("page_size=1", "page_size=500"):
        assert counts(client, tokens["officer"], query).items() <= BASELINE.items()


def test_more_indicators_figures_and_projects_cost_no_more_queries(client, town, tokens, project):
    returns = Returns()
    returns.officer = town.person("officer")
    for n in range(5):
        indicator = IndicatorFactory(code=f"WST-1{n}", title=f"Waste measure {n}", owner=town.waste)
        returns.draft(indicator, OPEN_PERIOD, str(40 + n))
    for code in ("2025-26-Q1", "2025-26-Q2", "2025-26-Q3", "2025-26-Q4"):
        returns.draft(town.draft.indicator, code, "50")

    for n in range(4):
        more = ProjectFactory(
            reference=f"DP-1{n}", owner=project.owner, lead_service=town.waste, outcomes=[]
        )
        if n % 2:
            record_update(
                project=more,
                period=Period.objects.get(code=OPEN_PERIOD),
                entries={"percent_complete": 10 * n, "done": "Started"},
                by=returns.officer,
            )

    body = client.get("/api/v1/returns/", headers=bearer(tokens["officer"])).json()
    assert len(body["results"][0]["indicators"]) == 8
    updates = client.get("/api/v1/project-updates/", headers=bearer(tokens["officer"])).json()
    assert updates["count"] == 5
    assert counts(client, tokens["officer"]).items() <= BASELINE.items()
