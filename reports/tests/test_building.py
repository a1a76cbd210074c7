"""A report for a period holds the indicators in force then, as they stood: a retired one in
its past quarters, a moved one under its owner of the time, none before its first period."""

import datetime

import pytest
from django.utils import timezone

from indicators.definitions import retire_indicator, revise_definition
from indicators.models import Period
from indicators.periods import ensure_periods
from indicators.tests.factories import IndicatorFactory
from organisation.tests.factories import CouncilFactory, DirectorateFactory, OrgUnitFactory
from reports.building import build_content
from reports.models import Report, ReportKind
from scorecards.tests.builders import Returns
from strategy.tests.factories import AmbitionFactory, CommitteeFactory, OutcomeFactory

pytestmark = pytest.mark.django_db

Q1, Q2 = "2025-26-Q1", "2025-26-Q2"
TODAY = datetime.date(2025, 11, 24)


def period(code):
    return Period.objects.get(code=code)


@pytest.fixture
def committee():
    """The Place Scrutiny Committee receives three strategic Waste indicators; after Q1,
    OLD-01 is retired and MOV-01 moves to Planning. NEW-01 is reported from Q2."""
    ensure_periods(first_year=2025, last_year=2025)
    council = CouncilFactory()
    place = DirectorateFactory(council=council, name="Place")
    waste = OrgUnitFactory(council=council, parent=place, name="Waste and Recycling")
    planning = OrgUnitFactory(council=council, parent=place, name="Planning")
    outcome = OutcomeFactory(ambition=AmbitionFactory(code="greener"))
    scrutiny = CommitteeFactory(name="Place Scrutiny Committee")
    returns = Returns()
    made = {}
    for code in ("MOV-01", "OLD-01", "RCY-01"):
        made[code] = IndicatorFactory(
            code=code,
            owner=waste,
            in_sets=["strategic"],
            outcomes=[outcome],
            committees=[scrutiny],
        )
        returns.signed_off(made[code], Q1, "40")
    retire_indicator(indicator=made["OLD-01"], last_period=period(Q1), reason="Replaced")
    revise_definition(
        indicator=made["MOV-01"],
        changes={"owner": planning},
        effective_from=period(Q2).starts_on,
        reason="Handed to Planning",
    )
    new = IndicatorFactory(code="NEW-01", owner=waste, first_period=period(Q2))
    for code in ("MOV-01", "RCY-01", "NEW-01"):
        returns.signed_off(made.get(code, new), Q2, "42")
    return scrutiny, new


def report_for(committee, code):
    scrutiny, new = committee
    report = Report.objects.create(
        kind=ReportKind.COMMITTEE,
        title="Quarterly performance report",
        committee=scrutiny,
        period=period(code),
        created_at=timezone.now(),
        edited_at=timezone.now(),
    )
    report.extra_indicators.add(new)
    return build_content(report, today=TODAY)


def test_a_past_quarters_report_holds_its_indicators_as_they_stood(committee):
    content = report_for(committee, Q1)

    rows = {row.code: row for row in content.rows()}
    assert list(rows) == ["MOV-01", "OLD-01", "RCY-01"]  # NEW-01 was not reported yet
    assert rows["MOV-01"].owner == "Waste and Recycling"
    assert rows["OLD-01"].figure_shown == "40.0%"
    assert all(row.ambitions == ["greener"] for row in rows.values())
    assert "Missing" not in {row.rag for row in rows.values()}


def test_the_current_quarters_report_holds_todays(committee):
    content = report_for(committee, Q2)

    rows = {row.code: row for row in content.rows()}
    assert list(rows) == ["MOV-01", "RCY-01", "NEW-01"]
    assert rows["MOV-01"].owner == "Planning"
    assert content.sections[-1].title == "Areas of interest"
    assert [row.code for row in content.sections[-1].rows] == ["NEW-01"]
