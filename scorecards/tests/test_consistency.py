"""Invariants over the whole demo council: every indicator, every finished quarter.

Readings a council can stand behind must not contradict themselves: a figure judged Red or
Amber beside an SPC reading that says the target is consistently passed, a status for a
period an indicator was not reported for, a year that disagrees with its own quarters.
"""

import datetime

import pytest
from django.db import transaction
from django.test import override_settings

from demo.council import STEP_CHANGE_CODES
from demo.generate import load_demo
from indicators.definitions import is_reported
from indicators.models import Frequency, IndicatorSet, Period, SpcRecalculation, Target
from organisation.models import Council
from reports.content import ReportContent
from reports.models import Report
from scorecards.queries import committee_scorecard, every_indicator, organisation_scorecard
from scorecards.readings import in_force, indicator_history, read_indicators
from status.periods import Aggregation, PeriodKind
from status.rag import Rag
from status.spc import Assurance, Variation
from strategy.models import Committee

pytestmark = pytest.mark.django_db  # the module's demo is built in the test database

DEMO_TODAY = datetime.date(2026, 11, 24)
FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"
CONCERNING = {Variation.concerning_high, Variation.concerning_low}
JUDGED = {Rag.green, Rag.amber, Rag.red}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    fast_hashing = override_settings(PASSWORD_HASHERS=[FAST_HASHER])
    with django_db_blocker.unblock(), fast_hashing, transaction.atomic():
        load_demo(today=DEMO_TODAY, seed=2026)
        council = Council.objects.get()
        indicators = list(every_indicator())
        quarters = list(
            Period.objects.filter(kind=PeriodKind.quarter, ends_on__lt=DEMO_TODAY)
            .filter(values__isnull=False)
            .distinct()
            .order_by("starts_on")
        )
        readings = {
            quarter: read_indicators(indicators, quarter, today=DEMO_TODAY, council=council)
            for quarter in quarters
        }
        yield council, indicators, quarters, readings
        transaction.set_rollback(True)


def contradicts(reading) -> bool:
    """Red or Amber beside "consistently passes": the limits say the target is met while the
    figure misses it. Coherent only when the figure is itself a signal of concern (outside
    the process the limits describe: Making Data Count reads that as "something changed")."""
    return (
        reading.rag in (Rag.red, Rag.amber)
        and reading.spc.assurance is Assurance.consistently_passes
        and reading.spc.variation not in CONCERNING
    )


def test_no_reading_fails_its_target_while_the_limits_say_it_consistently_passes(demo):
    _council, _indicators, quarters, readings = demo
    assert len(quarters) >= 16  # four years of quarters, so the test has something to say
    found = [
        f"{quarter.code} {reading.indicator.code}: {reading.rag.label}, "
        f"{reading.spc.assurance.label}, {reading.spc.variation.label}"
        for quarter in quarters
        for reading in readings[quarter].values()
        if contradicts(reading)
    ]
    assert found == []


def test_assurance_compares_each_point_with_a_target_of_its_own_frequency(demo):
    _council, _indicators, quarters, readings = demo
    targets = {(t.indicator_id, t.period_id): t.value for t in Target.objects.all()}
    checked = 0
    for quarter in quarters:
        for reading in readings[quarter].values():
            if not reading.series or reading.spc_target is None:
                continue
            point = reading.series[-1][0]
            own = targets.get((reading.indicator.pk, point.pk))
            aggregation = Aggregation(reading.definition.aggregation)
            if aggregation in (Aggregation.sum, Aggregation.cumulative):
                # No sharing out: the point's own period's target or nothing.
                assert own == reading.spc_target, (quarter.code, reading.indicator.code)
            elif own is not None:
                assert own == reading.spc_target, (quarter.code, reading.indicator.code)
            checked += 1
    assert checked > 1000


def test_a_monthly_total_is_never_compared_with_a_quarters_target(demo):
    _council, indicators, quarters, readings = demo
    latest = quarters[-1]
    wst04 = next(i for i in indicators if i.code == "WST-04")
    reading = readings[latest][wst04.pk]
    assert reading.indicator.frequency == Frequency.MONTHLY
    assert reading.spc_target is not None and reading.spc_target < reading.target / 2
    assert reading.spc.assurance is not Assurance.consistently_passes


def test_no_status_before_an_indicators_first_period_or_after_its_last(demo):
    council, indicators, quarters, _readings = demo
    committees = list(Committee.objects.all())
    for quarter in quarters:
        standing = in_force(indicators, quarter).standings
        scorecards = [
            organisation_scorecard(period=quarter, today=DEMO_TODAY, council=council),
            *(
                committee_scorecard(c, period=quarter, today=DEMO_TODAY, council=council)
                for c in committees
            ),
        ]
        for scorecard in scorecards:
            for section in scorecard.sections:
                for reading in section.readings:
                    assert reading.indicator.pk in standing, (quarter.code, reading.indicator.code)
    # Every period of an indicator's page lies within its reporting range.
    latest = quarters[-1]
    for indicator in indicators:
        history = indicator_history(indicator, latest, today=DEMO_TODAY, council=council)
        versions = list(indicator.versions.all())
        for reading in history:
            assert is_reported(indicator, reading.period, versions), (
                indicator.code,
                reading.period.code,
            )


def test_a_scorecard_holds_only_indicators_in_force(demo):
    _council, indicators, quarters, _readings = demo
    retired = [i for i in indicators if i.last_period_id is not None]
    late = [i for i in indicators if i.first_period_id is not None]
    assert retired and late
    for quarter in quarters:
        standing = in_force(indicators, quarter)
        for indicator in retired + late:
            own = standing.calendar.native_periods(indicator.frequency, quarter)
            expected = any(is_reported(indicator, p, standing.versions[indicator.pk]) for p in own)
            assert (indicator.pk in standing.standings) == expected, (quarter.code, indicator.code)


def test_standings_decided_from_plain_rows_equal_those_of_the_model_objects(demo):
    """`in_force` decides from plain rows when given a query, and builds objects only for the
    indicators chosen: every quarter, the same indicators stand where the objects say."""
    _council, indicators, quarters, _readings = demo
    strategic = IndicatorSet.objects.get(code="strategic").pk
    for quarter in quarters:
        from_objects = in_force(indicators, quarter).standings
        from_rows = in_force(every_indicator(), quarter).standings
        assert list(from_rows) == list(from_objects)  # the same indicators, in code order
        for pk, standing in from_rows.items():
            expected = from_objects[pk]
            assert standing == expected, (quarter.code, standing.indicator.code)
            assert standing.indicator.owner == expected.indicator.owner
            assert standing.version == expected.version
        chosen = in_force(every_indicator(), quarter, choose=lambda s: strategic in s.set_ids)
        assert set(chosen.standings) == {
            pk for pk, s in from_objects.items() if strategic in s.set_ids
        }
        assert set(chosen.versions) <= set(chosen.standings)  # nothing read for the others


def test_a_cumulative_indicators_year_is_its_final_quarter(demo):
    council, indicators, _quarters, _readings = demo
    cumulative = [i for i in indicators if i.aggregation == Aggregation.cumulative]
    assert cumulative
    years = Period.objects.filter(kind=PeriodKind.financial_year, ends_on__lt=DEMO_TODAY)
    compared = 0
    for year in years:
        q4 = Period.objects.get(kind=PeriodKind.quarter, ends_on=year.ends_on)
        by_year = read_indicators(cumulative, year, today=DEMO_TODAY, council=council)
        by_q4 = read_indicators(cumulative, q4, today=DEMO_TODAY, council=council)
        for indicator in cumulative:
            assert by_year[indicator.pk].figure == by_q4[indicator.pk].figure, indicator.code
            compared += by_year[indicator.pk].figure is not None
    assert compared


def test_every_step_change_is_read_from_its_recalculation(demo):
    _council, _indicators, quarters, readings = demo
    latest = readings[quarters[-1]]
    points = SpcRecalculation.objects.filter(removed_at__isnull=True).select_related(
        "indicator", "period"
    )
    assert {p.indicator.code for p in points} == set(STEP_CHANGE_CODES)
    for point in points:
        reading = latest[point.indicator.pk]
        assert reading.spc.is_recalculated, point.indicator.code
        first_of_phase = reading.series[reading.spc.phases[-1].start][0]
        assert first_of_phase.starts_on >= point.period.starts_on, point.indicator.code
        assert reading.spc.chart is not None  # 12 or more points since the change


def test_no_approved_report_contradicts_itself(demo):
    reports = [r for r in Report.objects.all() if r.snapshot]
    assert reports
    for report in reports:
        for section in ReportContent.from_snapshot(report.snapshot).sections:
            for row in section.rows:
                assert not (
                    row.rag in ("red", "amber")
                    and row.assurance == Assurance.consistently_passes
                    and Variation(row.variation) not in CONCERNING
                ), (report.title, row.code)
