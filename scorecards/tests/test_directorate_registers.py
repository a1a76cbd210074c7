"""The directorate scorecard's registers (finance, risks, change, improvement) in a number of
queries that does not grow with the number of risks, projects, budget lines or actions."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from delivery.tests.factories import ProjectFactory
from delivery.workflow import approve_update, record_update, submit_update
from finance.models import BudgetLine
from finance.workflow import approve_forecast, record_forecast, submit_forecast
from improvement.tests.factories import FindingFactory, ImprovementActionFactory
from indicators.models import Period
from organisation.models import OrgUnit
from organisation.tests.factories import OrgUnitFactory
from organisation.tests.personas import OPEN_PERIOD, build_town, freeze_today, sign_in
from risks.tests.factories import RiskFactory, signed_off_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(monkeypatch):
    freeze_today(monkeypatch)
    return build_town()


def add_registers(town, count: int) -> None:
    """`count` more of each: a service under Place with a budget and a signed-off forecast, a
    risk with a signed-off review, a project with a signed-off update, an improvement action."""
    officer, approver = town.person("officer"), town.person("approver")
    quarter = Period.objects.get(code=OPEN_PERIOD)
    year = Period.objects.get(
        kind="financial_year", starts_on__lte=quarter.starts_on, ends_on__gte=quarter.ends_on
    )
    for _ in range(count):
        service = OrgUnitFactory(council=town.council, parent=town.place)
        line = BudgetLine.objects.create(unit=service, year=year, budget=Decimal("1000000"))
        forecast = record_forecast(
            line=line, period=quarter, entries={"forecast_outturn": Decimal("1050000")}, by=officer
        )
        approve_forecast(forecast=submit_forecast(forecast=forecast, by=officer), by=approver)
        risk = RiskFactory(unit=town.waste, owner=officer)
        signed_off_review(
            risk, by=officer, approver=approver, current=(3, 4), on=datetime.date(2026, 9, 20)
        )
        project = ProjectFactory(lead_service=town.waste, owner=officer)
        update = record_update(
            project=project,
            period=quarter,
            entries={"percent_complete": 40, "done": "Designs agreed"},
            by=officer,
        )
        approve_update(update=submit_update(update=update, by=officer), by=approver)
        ImprovementActionFactory(finding=FindingFactory(unit=town.waste), owner=officer)


def test_the_directorate_pages_queries_do_not_grow_with_its_registers(client, town):
    sign_in(client, town.person("director"))
    address = reverse("scorecards:directorate", args=["place"])

    add_registers(town, 1)
    client.get(address, {"period": OPEN_PERIOD})  # counted once its readings are kept
    with CaptureQueriesContext(connection) as few:
        client.get(address, {"period": OPEN_PERIOD})
    add_registers(town, 6)
    client.get(address, {"period": OPEN_PERIOD})
    with CaptureQueriesContext(connection) as many:
        page = client.get(address, {"period": OPEN_PERIOD}).content.decode()

    for anchor in ('id="finance"', 'id="risks"', 'id="change"', 'id="improvement-actions"'):
        assert anchor in page, anchor
    assert OrgUnit.objects.filter(parent=town.place).count() >= 9
    assert len(many) == len(few)
