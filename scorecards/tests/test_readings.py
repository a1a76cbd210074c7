"""Readings put the right figures in front of the status rules."""

import datetime
from decimal import Decimal

import pytest

from indicators.models import Frequency, Period, Target
from indicators.periods import ensure_periods
from indicators.tests.factories import IndicatorFactory, ReportingCycleFactory
from organisation.tests.factories import CouncilFactory
from scorecards.readings import indicator_history, read_indicators
from scorecards.tests.builders import Returns
from status.direction import Comparison, Direction
from status.periods import Aggregation
from status.quality import Quality
from status.rag import Polarity, Rag
from status.spc import Variation

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 11, 24)
QUARTERS = [f"{y}-{str(y + 1)[2:]}-Q{q}" for y in (2022, 2023, 2024, 2025) for q in (1, 2, 3, 4)]


@pytest.fixture
def council():
    ensure_periods(first_year=2022, last_year=2026)
    return CouncilFactory()


@pytest.fixture
def returns():
    return Returns()


def read(indicator, period_code, council, today=TODAY):
    period = Period.objects.get(code=period_code)
    return read_indicators([indicator], period, today=today, council=council)[indicator.pk]


def target(indicator, period_code, value, **extra):
    Target.objects.create(
        indicator=indicator, period=Period.objects.get(code=period_code), value=value, **extra
    )


def test_judged_as_shown_green_at_display_precision(council, returns):
    indicator = IndicatorFactory(precision=1)
    target(indicator, "2025-26-Q2", Decimal("90"))
    returns.signed_off(indicator, "2025-26-Q2", "89.96")

    reading = read(indicator, "2025-26-Q2", council)

    assert reading.figure_shown == "90.0%"
    assert reading.rag is Rag.green


def test_direction_against_previous_quarter_uses_polarity(council, returns):
    indicator = IndicatorFactory(polarity=Polarity.lower_is_better, unit="days", precision=0)
    returns.signed_off(indicator, "2025-26-Q1", "20")
    returns.signed_off(indicator, "2025-26-Q2", "18")

    reading = read(indicator, "2025-26-Q2", council)

    assert reading.direction is Direction.improving
    assert reading.comparison_period.code == "2025-26-Q1"
    assert reading.rag is Rag.data_only  # no target


def test_drafts_and_submitted_figures_are_never_read(council, returns):
    indicator = IndicatorFactory()
    returns.draft(indicator, "2025-26-Q1", "50")
    returns.submitted(indicator, "2025-26-Q2", "60")

    reading = read(indicator, "2025-26-Q2", council)

    assert reading.figure is None
    assert reading.value is None
    assert reading.direction is Direction.not_comparable


def test_pending_until_deadline_then_missing(council):
    indicator = IndicatorFactory()
    cycle = ReportingCycleFactory(period=Period.objects.get(code="2025-26-Q2"))

    on_deadline = read(indicator, "2025-26-Q2", council, today=cycle.data_entry_deadline)
    day_after = read(
        indicator,
        "2025-26-Q2",
        council,
        today=cycle.data_entry_deadline + datetime.timedelta(days=1),
    )

    assert on_deadline.rag is Rag.pending
    assert day_after.rag is Rag.missing


def test_monthly_indicator_on_a_quarter_shows_the_quarter_end_month(council, returns):
    indicator = IndicatorFactory(frequency=Frequency.MONTHLY, aggregation=Aggregation.snapshot)
    returns.series(indicator, ["2025-07", "2025-08", "2025-09"], ["70", "72", "75"])
    target(indicator, "2025-26", Decimal("74"))  # an annual target applies to each month

    reading = read(indicator, "2025-26-Q2", council)

    assert reading.period.code == "2025-09"
    assert reading.figure == Decimal("75")
    assert reading.target == Decimal("74")
    assert reading.rag is Rag.green


def test_monthly_sum_indicator_adds_up_the_quarter(council, returns):
    indicator = IndicatorFactory(
        frequency=Frequency.MONTHLY, aggregation=Aggregation.sum, unit="visits", precision=0
    )
    returns.series(indicator, ["2025-07", "2025-08", "2025-09"], ["100", "120", "130"])

    reading = read(indicator, "2025-26-Q2", council)

    assert reading.figure == Decimal("350")


def test_cumulative_compares_with_same_quarter_last_year(council, returns):
    indicator = IndicatorFactory(aggregation=Aggregation.cumulative)
    returns.signed_off(indicator, "2024-25-Q2", "56.0")
    returns.signed_off(indicator, "2025-26-Q1", "29.0")
    returns.signed_off(indicator, "2025-26-Q2", "57.5")

    reading = read(indicator, "2025-26-Q2", council)

    assert reading.comparison is Comparison.same_period_last_year
    assert reading.comparison_period.code == "2024-25-Q2"
    assert reading.direction is Direction.improving


def test_annual_indicator_on_a_quarterly_scorecard_shows_the_last_year(council, returns):
    indicator = IndicatorFactory(
        frequency=Frequency.ANNUAL, polarity=Polarity.lower_is_better, unit="number", precision=0
    )
    returns.signed_off(indicator, "2023-24", "1200")
    returns.signed_off(indicator, "2024-25", "1100")

    reading = read(indicator, "2025-26-Q2", council)

    assert reading.period.code == "2024-25"
    assert reading.comparison_period.code == "2023-24"
    assert reading.direction is Direction.improving


def test_spc_finds_a_step_change_and_leaves_noise_alone(council, returns):
    stable = IndicatorFactory()
    stepped = IndicatorFactory()
    noise = [
        "80",
        "82",
        "79",
        "81",
        "80",
        "83",
        "78",
        "81",
        "80",
        "82",
        "79",
        "81",
        "80",
        "82",
        "79",
        "81",
    ]
    returns.series(stable, QUARTERS, noise)
    # Eight quarters at a new, higher level after a change of service.
    returns.series(stepped, QUARTERS, noise[:8] + ["88", "89", "87", "90", "88", "89", "88", "90"])

    readings = read_indicators(
        [stable, stepped], Period.objects.get(code="2025-26-Q4"), today=TODAY, council=council
    )

    assert readings[stable.pk].spc.variation is Variation.common_cause
    assert readings[stepped.pk].spc.variation is Variation.improving_high


def test_a_changed_definition_judges_old_periods_by_the_old_version(council, returns):
    from indicators.definitions import revise_definition

    indicator = IndicatorFactory(precision=0)
    target(indicator, "2024-25-Q2", Decimal("90"))
    returns.signed_off(indicator, "2024-25-Q2", "89.6")
    revise_definition(
        indicator=indicator,
        changes={"precision": 2},
        effective_from=datetime.date(2025, 4, 1),
        reason="Reported to two decimal places from 2025/26",
    )

    reading = read(indicator, "2024-25-Q2", council)

    assert reading.figure_shown == "90%"
    assert reading.rag is Rag.green


# Data quality (docs/status-rules.md, "Data quality")


def test_a_provisional_figure_reads_provisional_and_a_final_one_final(council, returns):
    provisional, final = IndicatorFactory(), IndicatorFactory()
    returns.signed_off(provisional, "2025-26-Q2", "60", data_quality="provisional")
    returns.signed_off(final, "2025-26-Q2", "60")

    readings = read_indicators(
        [provisional, final], Period.objects.get(code="2025-26-Q2"), today=TODAY, council=council
    )

    assert readings[provisional.pk].data_quality is Quality.provisional
    assert readings[final.pk].data_quality is Quality.final


def test_a_quarter_summed_from_months_is_as_firm_as_its_least_firm_month(council, returns):
    summed = IndicatorFactory(
        frequency=Frequency.MONTHLY, aggregation=Aggregation.sum, unit="number", precision=0
    )
    returns.signed_off(summed, "2025-07", "100", data_quality="estimated")
    returns.signed_off(summed, "2025-08", "120", data_quality="provisional")
    returns.signed_off(summed, "2025-09", "130")
    snapshot = IndicatorFactory(frequency=Frequency.MONTHLY, aggregation=Aggregation.snapshot)
    returns.signed_off(snapshot, "2025-07", "70", data_quality="provisional")
    returns.signed_off(snapshot, "2025-09", "75", data_quality="estimated")

    assert read(summed, "2025-26-Q2", council).data_quality is Quality.provisional
    # A snapshot is its latest month alone.
    assert read(snapshot, "2025-26-Q2", council).data_quality is Quality.estimated


def test_a_figure_still_awaiting_sign_off_marks_nothing(council, returns):
    indicator = IndicatorFactory()
    returns.submitted(indicator, "2025-26-Q2", "60", data_quality="provisional")

    assert read(indicator, "2025-26-Q2", council).data_quality is Quality.final


def test_the_history_marks_each_period_by_its_own_quality(council, returns):
    indicator = IndicatorFactory()
    returns.signed_off(indicator, "2025-26-Q1", "50", data_quality="estimated")
    returns.signed_off(indicator, "2025-26-Q2", "60", data_quality="provisional")
    returns.signed_off(indicator, "2024-25-Q4", "40")

    history = indicator_history(
        indicator, Period.objects.get(code="2025-26-Q2"), today=TODAY, council=council
    )
    by_period = {r.period.code: r.data_quality for r in history}

    assert by_period["2025-26-Q2"] is Quality.provisional
    assert by_period["2025-26-Q1"] is Quality.estimated
    assert by_period["2024-25-Q4"] is Quality.final
    assert by_period["2024-25-Q3"] is Quality.final  # no figure: nothing to mark
