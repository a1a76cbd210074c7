"""The demo's finance story: every directorate budgeted and forecast each quarter, one
overspending more each quarter, one service significantly underspent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from finance.demo import load_finance
from finance.models import BudgetLine, Forecast
from finance.queries import council_summary, directorate_finance
from organisation.tests.personas import TODAY
from signoff.models import ReturnState
from status.finance import FinanceDirection, FinanceStatus

pytestmark = pytest.mark.django_db


def test_the_demo_tells_the_overspending_story(council):
    summary = load_finance(
        today=TODAY, entered_by=council.person("partner"), signed_off_by=council.person("approver")
    )
    assert summary.budget_lines == BudgetLine.objects.count() == 10  # 5 units, 2 years
    assert summary.forecasts == 5 * (4 + 2)  # 2025/26 Q1-Q4, 2026/27 Q1-Q2
    assert summary.cost_centres == 6
    assert set(Forecast.objects.values_list("state", flat=True)) == {ReturnState.APPROVED}

    last_q4 = council.period("2025-26-Q4")
    place, people = council_summary(last_q4)
    assert place.reading.status == FinanceStatus.over_red
    assert place.direction == FinanceDirection.worsening
    assert place.reading.variance_percent == Decimal("7.5")
    assert people.reading.status != FinanceStatus.over_red
    waste = next(r for r in directorate_finance(council.place, last_q4) if r.unit.code == "waste")
    assert waste.is_significant_underspend
