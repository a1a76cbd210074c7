"""The personas' council with three past years of signed-off figures for WST-01, so it has
a last year's outturn and SPC process limits, and a financial year still to start."""

from __future__ import annotations

import pytest

from indicators.models import Indicator, Period
from indicators.periods import ensure_periods
from organisation.tests.personas import Town, build_town, freeze_today
from scorecards.tests.builders import Returns

PAST_QUARTERS = [
    f"{start}-{(start + 1) % 100:02d}-Q{q}" for start in (2023, 2024, 2025) for q in (1, 2, 3, 4)
]
# Recycling rates around 45%: a steady process, its limits far below 90%.
PAST_FIGURES = ["44", "46", "45", "47", "43", "45", "46", "44", "45", "47", "46", "45"]
LAST_YEAR_OUTTURN = "45.0%"  # 2025/26 Q4: a snapshot indicator's year is its last figure
NEXT_YEAR = "2027-28"  # starts 1 April 2027, after today (16 October 2026)
THIS_YEAR = "2026-27"  # started 1 April 2026


@pytest.fixture
def town(monkeypatch) -> Town:
    freeze_today(monkeypatch)
    ensure_periods(first_year=2023, last_year=2027)
    town = build_town()
    returns = Returns()
    returns.series(Indicator.objects.get(code="WST-01"), PAST_QUARTERS, PAST_FIGURES)
    return town


@pytest.fixture
def next_year(town) -> Period:
    return Period.objects.get(kind="financial_year", code=NEXT_YEAR)


@pytest.fixture
def this_year(town) -> Period:
    return Period.objects.get(kind="financial_year", code=THIS_YEAR)
