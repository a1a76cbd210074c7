"""Budget lines read at a period: latest signed-off forecast, variance, status, direction;
in the same number of queries however many lines there are."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from finance.models import BudgetLine, FinanceSettings
from finance.queries import (
    NO_DIRECTION,
    council_summary,
    directorate_finance,
    percent_shown,
    pounds,
    remit_finance,
    thresholds,
    variance_shown,
)
from finance.tests.conftest import signed_off
from finance.workflow import record_forecast, submit_forecast
from organisation.tests.factories import OrgUnitFactory
from status.finance import DEFAULT_THRESHOLDS, FinanceDirection, FinanceStatus

pytestmark = pytest.mark.django_db


def by_unit(readings) -> dict:
    return {r.unit.code: r for r in readings}


def test_a_directorate_reads_its_own_line_then_its_services(council):
    signed_off(council, "waste", "2026-27-Q1", "4100000", "Fuel")
    signed_off(council, "waste", "2026-27-Q2", "4300000", "Fuel and pay award")
    signed_off(council, "parks", "2026-27-Q2", "940000")
    q2 = council.period("2026-27-Q2")
    readings = directorate_finance(council.place, q2)
    assert [r.unit.code for r in readings] == ["place", "waste", "parks"]
    waste = by_unit(readings)["waste"]
    assert waste.forecast.period.code == "2026-27-Q2"
    assert waste.reading.variance == D("300000")
    assert waste.reading.variance_percent == D("7.5")
    assert waste.reading.status == FinanceStatus.over_red
    assert waste.direction == FinanceDirection.worsening  # £100,000 over, then £300,000
    assert waste.commentary == "Fuel and pay award"
    parks = by_unit(readings)["parks"]
    assert parks.reading.status == FinanceStatus.on_budget
    assert parks.is_significant_underspend  # −6.0%
    assert parks.direction_label == NO_DIRECTION
    assert by_unit(readings)["place"].forecast is None


def test_only_signed_off_forecasts_at_or_before_the_period_count(council):
    signed_off(council, "waste", "2026-27-Q1", "4100000")
    signed_off(council, "waste", "2026-27-Q3", "4900000")
    partner = council.person("partner")
    submit_forecast(
        forecast=record_forecast(
            line=council.lines["waste"],
            period=council.period("2026-27-Q2"),
            entries={"forecast_outturn": D("9999999")},
            by=partner,
        ),
        by=partner,
    )
    waste = by_unit(directorate_finance(council.place, council.period("2026-27-Q2")))["waste"]
    assert waste.forecast.period.code == "2026-27-Q1"
    assert waste.forecast_shown == "£4,100,000"


def test_the_councils_thresholds_come_from_the_admin_or_the_defaults(council):
    assert thresholds() == DEFAULT_THRESHOLDS
    FinanceSettings.objects.create(amber_percent=D("2"), red_percent=D("8"), red_pounds=D("250000"))
    assert thresholds().red_pounds == D("250000")
    signed_off(council, "waste", "2026-27-Q2", "4260000")  # 6.5%, £260,000
    waste = by_unit(directorate_finance(council.place, council.period("2026-27-Q2")))["waste"]
    assert waste.reading.status == FinanceStatus.over_red  # by pounds, though amber by %


def test_the_summary_has_each_directorates_own_line(council):
    signed_off(council, "place", "2026-27-Q2", "10500000")
    readings = council_summary(council.period("2026-27-Q2"))
    assert [r.unit.code for r in readings] == ["place", "people"]
    assert readings[0].variance_shown == "£500,000 over"


def test_a_remit_brings_the_services_of_its_directorates(council):
    q2 = council.period("2026-27-Q2")
    assert [r.unit.code for r in remit_finance({council.people.pk}, q2)] == ["people", "libraries"]
    assert [r.unit.code for r in remit_finance({council.waste.pk}, q2)] == ["waste"]
    assert len(remit_finance(set(), q2)) == 5


def test_money_is_shown_in_whole_pounds(council):
    assert pounds(D("1234.5")) == "£1,235"
    assert pounds(D("-1234")) == "\u2212£1,234"
    assert variance_shown(D("-1234.4")) == "£1,234 under"
    assert variance_shown(D("50000")) == "£50,000 over"
    assert variance_shown(D("0.4")) == "£0"
    assert percent_shown(D("-2.0")) == "\u22122.0%"


def test_the_query_count_does_not_grow_with_the_lines(council):
    q2 = council.period("2026-27-Q2")
    signed_off(council, "waste", "2026-27-Q1", "4100000")
    signed_off(council, "waste", "2026-27-Q2", "4200000")

    def counted() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            readings = directorate_finance(council.place, q2)
            for reading in readings:  # everything the panel shows
                _ = (reading.forecast_shown, reading.direction_label, reading.unit.name)
        return len(readings), len(queries)

    three, few = counted()
    for n in range(17):
        service = OrgUnitFactory(parent=council.place, name=f"Service {n}", code=f"service-{n}")
        BudgetLine.objects.create(unit=service, year=council.year, budget=D(1000 * (n + 1)))
        signed_off_service(council, service, n)
    twenty, many = counted()
    assert (three, twenty) == (3, 20)
    assert many == few


def signed_off_service(council, service, n):
    council.lines[service.code] = BudgetLine.objects.get(unit=service)
    for period in ("2026-27-Q1", "2026-27-Q2"):
        signed_off(council, service.code, period, str(1000 * (n + 1) + n))
