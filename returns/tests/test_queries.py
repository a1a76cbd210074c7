"""Which figures are due in a cycle: only the indicators reported for its period.

An officer is never asked for a figure before an indicator's first period, nor after a
retired indicator's last; a retired indicator's last figures are still collected.
"""

import pytest

from indicators.definitions import retire_indicator
from indicators.models import CycleState, Lifecycle, Period
from indicators.tests.factories import IndicatorFactory, ReportingCycleFactory
from returns.chasing import cycles_overview
from returns.queries import due_indicators, return_rows

pytestmark = pytest.mark.django_db


def period(code):
    return Period.objects.get(code=code)


@pytest.fixture
def cycles(council):
    """The open Q2 2026/27 cycle and the closed Q1 2026/27 one."""
    return (
        ReportingCycleFactory(period=period("2026-27-Q1"), state=CycleState.CLOSED),
        ReportingCycleFactory(period=period("2026-27-Q2"), state=CycleState.OPEN),
    )


@pytest.fixture
def indicators(waste):
    """WST-01 reported throughout; WST-07 from Q2 2026/27; WST-08 retired after Q1 2026/27;
    WST-09 proposed; WST-10 retired with no last period recorded."""
    always = IndicatorFactory(code="WST-01", owner=waste)
    IndicatorFactory(code="WST-07", owner=waste, first_period=period("2026-27-Q2"))
    retired = IndicatorFactory(code="WST-08", owner=waste)
    retire_indicator(indicator=retired, last_period=period("2026-27-Q1"), reason="Replaced")
    IndicatorFactory(code="WST-09", owner=waste, lifecycle=Lifecycle.PROPOSED)
    IndicatorFactory(code="WST-10", owner=waste, lifecycle=Lifecycle.RETIRED)
    return always


def test_only_indicators_reported_for_the_period_are_due(cycles, indicators, waste):
    q1, q2 = cycles

    assert [i.code for i in due_indicators(q1)] == ["WST-01", "WST-08"]
    assert [i.code for i in due_indicators(q2, {waste.pk})] == ["WST-01", "WST-07"]


def test_the_service_return_asks_only_for_the_figures_due(cycles, indicators, waste, council):
    _, q2 = cycles

    rows = return_rows(q2, waste, today=q2.opens_on, council=council)

    assert [row.indicator.code for row in rows] == ["WST-01", "WST-07"]


def test_the_list_of_cycles_counts_each_cycles_own_figures_due(cycles, indicators):
    due = {summary.cycle.period.code: summary.figures_due for summary in cycles_overview()}

    assert due == {"2026-27-Q1": 2, "2026-27-Q2": 2}
