"""A small council with one open quarterly cycle, for the collection tests."""

import datetime
from decimal import Decimal

import pytest

from indicators.models import CycleState, Period, Target
from indicators.periods import ensure_periods
from indicators.tests.factories import IndicatorFactory, ReportingCycleFactory
from organisation.models import Role
from organisation.tests.factories import (
    CouncilFactory,
    DirectorateFactory,
    OrgUnitFactory,
    UserFactory,
)
from scorecards.tests.builders import Returns

TODAY = datetime.date(2026, 10, 10)  # before the Q2 2026/27 data-entry deadline (20 October)


@pytest.fixture
def today(monkeypatch):
    for module in ("returns.views",):
        monkeypatch.setattr(f"{module}.timezone.localdate", lambda: TODAY)
    return TODAY


@pytest.fixture
def council(db):
    ensure_periods(first_year=2024, last_year=2026)
    return CouncilFactory()


@pytest.fixture
def waste(council):
    place = DirectorateFactory(council=council, name="Place")
    return OrgUnitFactory(council=council, parent=place, name="Waste and Recycling", code="waste")


@pytest.fixture
def parks(council, waste):
    return OrgUnitFactory(council=council, parent=waste.parent, name="Parks", code="parks")


@pytest.fixture
def cycle(council):
    return ReportingCycleFactory(
        period=Period.objects.get(code="2026-27-Q2"), state=CycleState.OPEN
    )


@pytest.fixture
def officer(waste):
    return UserFactory(
        username="officer",
        first_name="Olu",
        last_name="Adeyemi",
        roles=[Role.DATA_OWNER],
        units=[waste],
    )


@pytest.fixture
def second_officer(waste):
    return UserFactory(
        username="colleague",
        first_name="Cath",
        last_name="Brown",
        roles=[Role.DATA_OWNER],
        units=[waste],
    )


@pytest.fixture
def approver(waste):
    return UserFactory(
        username="approver",
        first_name="Asha",
        last_name="Patel",
        roles=[Role.APPROVER],
        units=[waste],
    )


@pytest.fixture
def councillor(council):
    return UserFactory(username="cllr", roles=[Role.COUNCILLOR])


@pytest.fixture
def recycling(waste):
    """Household waste recycled (%), higher is better, target 50% in Q2 2026/27, with a
    steady history around 45% so 90% would be unusual."""
    indicator = IndicatorFactory(
        code="WST-01",
        title="Household waste recycled",
        owner=waste,
        numerator_label="Tonnes recycled",
        denominator_label="Tonnes collected",
    )
    Target.objects.create(
        indicator=indicator, period=Period.objects.get(code="2026-27-Q2"), value=Decimal("50")
    )
    history = Returns()
    codes = [
        "2024-25-Q1",
        "2024-25-Q2",
        "2024-25-Q3",
        "2024-25-Q4",
        "2025-26-Q1",
        "2025-26-Q2",
        "2025-26-Q3",
        "2025-26-Q4",
        "2026-27-Q1",
    ]
    history.series(indicator, codes, ["44", "46", "45", "44", "46", "45", "47", "45", "46"])
    return indicator


@pytest.fixture
def missed_bins(waste):
    return IndicatorFactory(
        code="WST-02",
        title="Missed bins per 100,000 collections",
        owner=waste,
        unit="number",
        precision=0,
        polarity="lower_is_better",
    )
