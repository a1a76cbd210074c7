"""A small council's budgets for 2026/27, and the people who forecast and sign off.

Testshire has Place (Waste, Parks) and People (Libraries). Every unit has a budget line for
2026/27. Today is 16 October 2026.

| name            | roles                     | scope     |
| --------------- | ------------------------- | --------- |
| partner         | finance business partner  | Place     |
| other_partner   | finance business partner  | People    |
| approver        | approver                  | Waste     |
| other_approver  | approver                  | Libraries |
| officer         | data owner                | Waste     |
| performance     | performance team          | (council) |
| councillor      | councillor                | none      |
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from finance.models import BudgetLine, Forecast
from finance.workflow import approve_forecast, record_forecast, submit_forecast
from indicators.models import Period
from indicators.periods import ensure_periods
from organisation.models import OrgUnit, Role, User
from organisation.tests.factories import (
    CouncilFactory,
    DirectorateFactory,
    OrgUnitFactory,
    UserFactory,
)
from organisation.tests.personas import freeze_today

YEAR = "2026-27"
BUDGETS = {
    "place": Decimal("10000000"),
    "waste": Decimal("4000000"),
    "parks": Decimal("1000000"),
    "people": Decimal("8000000"),
    "libraries": Decimal("2000000"),
}


@dataclass
class Council:
    place: OrgUnit
    people: OrgUnit
    waste: OrgUnit
    parks: OrgUnit
    libraries: OrgUnit
    year: Period
    lines: dict[str, BudgetLine]  # by unit code
    people_by_name: dict[str, User]

    def person(self, name: str) -> User:
        # A fresh copy: `can` caches roles and scope on the user object.
        return User.objects.get(pk=self.people_by_name[name].pk)

    def period(self, code: str) -> Period:
        return Period.objects.get(kind__in=("month", "quarter"), code=code)


@pytest.fixture
def council(db, monkeypatch) -> Council:
    return build_council(monkeypatch)


def build_council(monkeypatch) -> Council:
    """Testshire's units, budget lines and people, on 16 October 2026 (a database needed)."""
    freeze_today(monkeypatch)
    ensure_periods(first_year=2025, last_year=2026)
    testshire = CouncilFactory()
    place = DirectorateFactory(council=testshire, name="Place", code="place", order=1)
    people = DirectorateFactory(council=testshire, name="People", code="people", order=2)
    waste = OrgUnitFactory(
        council=testshire, parent=place, name="Waste and Recycling", code="waste", order=1
    )
    parks = OrgUnitFactory(council=testshire, parent=place, name="Parks", code="parks", order=2)
    libraries = OrgUnitFactory(council=testshire, parent=people, name="Libraries", code="libraries")
    units = {u.code: u for u in (place, people, waste, parks, libraries)}
    year = Period.objects.get(kind="financial_year", code=YEAR)
    lines = {
        code: BudgetLine.objects.create(unit=units[code], year=year, budget=budget)
        for code, budget in BUDGETS.items()
    }

    def person(username, roles, scope):
        return UserFactory(username=username, roles=roles, units=scope)

    people_by_name = {
        "partner": person("partner", [Role.FINANCE_PARTNER], [place]),
        "other_partner": person("other-partner", [Role.FINANCE_PARTNER], [people]),
        "approver": person("approver", [Role.APPROVER], [waste]),
        "other_approver": person("other-approver", [Role.APPROVER], [libraries]),
        "officer": person("officer", [Role.DATA_OWNER], [waste]),
        "performance": person("performance", [Role.PERFORMANCE_TEAM], []),
        "councillor": person("councillor", [Role.COUNCILLOR], []),
    }
    return Council(
        place=place,
        people=people,
        waste=waste,
        parks=parks,
        libraries=libraries,
        year=year,
        lines=lines,
        people_by_name=people_by_name,
    )


def signed_off(council: Council, code: str, period: str, amount: str, commentary="") -> Forecast:
    """A forecast entered by a finance partner and signed off by the performance team."""
    line = council.lines[code]
    entered_by = council.person("other_partner" if code in ("people", "libraries") else "partner")
    forecast = record_forecast(
        line=line,
        period=council.period(period),
        entries={"forecast_outturn": Decimal(amount), "commentary": commentary},
        by=entered_by,
    )
    forecast = submit_forecast(forecast=forecast, by=entered_by)
    return approve_forecast(forecast=forecast, by=council.person("performance"))
