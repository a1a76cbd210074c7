"""Setting and removing SPC recalculation points, and what readings make of them."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from indicators import recalculation
from indicators.models import Frequency, Period, SpcRecalculation
from indicators.periods import ensure_periods
from indicators.tests.factories import IndicatorFactory
from organisation.models import Role
from organisation.tests.factories import CouncilFactory, UserFactory
from scorecards.readings import read_indicators
from scorecards.tests.builders import Returns
from status.rag import Polarity
from status.spc import Assurance, Variation

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 11, 24)
QUARTERS = [
    f"{y}-{str(y + 1)[2:]}-Q{q}" for y in (2019, 2020, 2021, 2022, 2023, 2024) for q in (1, 2, 3, 4)
]
REASON = "New reablement service model from April 2022"


@pytest.fixture
def council():
    ensure_periods(first_year=2019, last_year=2025)
    return CouncilFactory()


@pytest.fixture
def team():
    return UserFactory(roles=[Role.PERFORMANCE_TEAM])


@pytest.fixture
def stepped():
    """Twelve quarters about 50, then twelve about 80 (lower is better, target 60)."""
    indicator = IndicatorFactory(
        polarity=Polarity.lower_is_better,
        effective_from=datetime.date(2019, 4, 1),
        frequency=Frequency.QUARTERLY,
    )
    figures = ["49", "51"] * 6 + ["79", "81"] * 6
    Returns().series(indicator, QUARTERS, figures)
    for code in QUARTERS:
        indicator.targets.create(period=Period.objects.get(code=code), value=60)
    return indicator


def read(indicator, council, code="2024-25-Q4"):
    period = Period.objects.get(code=code)
    return read_indicators([indicator], period, today=TODAY, council=council)[indicator.pk]


def test_a_step_reads_from_its_recalculation(council, team, stepped):
    before = read(stepped, council)
    assert before.spc.variation is Variation.concerning_high
    assert before.spc.assurance is Assurance.hit_and_miss

    point = recalculation.set_recalculation(
        indicator=stepped, period=Period.objects.get(code="2022-23-Q1"), reason=REASON, by=team
    )

    after = read(stepped, council)
    assert after.spc.is_recalculated
    assert [phase.start for phase in after.spc.phases] == [0, 12]
    assert after.spc.chart.centre == 80
    assert after.spc.variation is Variation.common_cause
    assert after.spc.assurance is Assurance.consistently_fails
    assert after.spc_cuts == ((12, point),)
    assert (point.set_by, point.reason) == (team, REASON)


def test_a_past_quarter_before_the_cut_reads_as_it_did(council, team, stepped):
    earlier = read(stepped, council, "2021-22-Q4")
    recalculation.set_recalculation(
        indicator=stepped, period=Period.objects.get(code="2022-23-Q1"), reason=REASON, by=team
    )
    again = read(stepped, council, "2021-22-Q4")
    assert not again.spc.is_recalculated
    assert (again.spc.variation, again.spc.assurance) == (
        earlier.spc.variation,
        earlier.spc.assurance,
    )


def test_removing_keeps_the_point_with_who_and_why(council, team, stepped):
    point = recalculation.set_recalculation(
        indicator=stepped, period=Period.objects.get(code="2022-23-Q1"), reason=REASON, by=team
    )
    removed = recalculation.remove_recalculation(
        recalculation=point, reason="The change was temporary", by=team
    )
    assert (removed.removed_by, removed.removal_reason) == (team, "The change was temporary")
    assert removed.removed_at is not None
    assert SpcRecalculation.objects.filter(indicator=stepped).count() == 1
    assert not read(stepped, council).spc.is_recalculated
    # Set again from the same period: a new row, the old one kept.
    recalculation.set_recalculation(
        indicator=stepped, period=Period.objects.get(code="2022-23-Q1"), reason=REASON, by=team
    )
    assert SpcRecalculation.objects.filter(indicator=stepped).count() == 2
    assert read(stepped, council).spc.is_recalculated


@pytest.mark.parametrize(
    ("code", "reason", "message"),
    [
        ("2019-20-Q1", REASON, "Choose a period after Q1 2019/20 and no later than Q4 2024/25"),
        ("2025-26-Q1", REASON, "Choose a period after Q1 2019/20 and no later than Q4 2024/25"),
        ("2022-06", REASON, "Choose one of"),
        ("2022-23-Q1", "  ", recalculation.REASON_REQUIRED),
    ],
)
def test_a_recalculation_point_is_refused_with_a_reason(
    council, team, stepped, code, reason, message
):
    kind = "month" if code.count("-") == 1 else "quarter"
    period = Period.objects.get(kind=kind, code=code)
    with pytest.raises(recalculation.RecalculationError, match=message):
        recalculation.set_recalculation(indicator=stepped, period=period, reason=reason, by=team)
    assert not SpcRecalculation.objects.exists()


def test_the_same_point_twice_is_refused(council, team, stepped):
    period = Period.objects.get(code="2022-23-Q1")
    recalculation.set_recalculation(indicator=stepped, period=period, reason=REASON, by=team)
    with pytest.raises(recalculation.RecalculationError, match="already recalculated from Q1"):
        recalculation.set_recalculation(indicator=stepped, period=period, reason=REASON, by=team)


def test_a_point_inside_the_baseline_is_refused(council, team, stepped):
    stepped.spc_baseline_start = Period.objects.get(code="2019-20-Q1")
    stepped.spc_baseline_end = Period.objects.get(code="2021-22-Q4")
    stepped.save()
    with pytest.raises(recalculation.RecalculationError, match="baseline runs from Q1 2019/20"):
        recalculation.set_recalculation(
            indicator=stepped, period=Period.objects.get(code="2020-21-Q1"), reason=REASON, by=team
        )
    # After the baseline's end is fine: the baseline sets the first phase only.
    recalculation.set_recalculation(
        indicator=stepped, period=Period.objects.get(code="2022-23-Q1"), reason=REASON, by=team
    )
    reading = read(stepped, council)
    assert reading.spc.phases[0].chart.baseline == (0, 11)
    assert reading.spc.chart.centre == 80


def test_only_the_performance_team_sets_or_removes_points(council, team, stepped):
    officer = UserFactory(roles=[Role.DATA_OWNER], units=[stepped.owner])
    period = Period.objects.get(code="2022-23-Q1")
    with pytest.raises(PermissionDenied):
        recalculation.set_recalculation(indicator=stepped, period=period, reason=REASON, by=officer)
    point = recalculation.set_recalculation(
        indicator=stepped, period=period, reason=REASON, by=team
    )
    with pytest.raises(PermissionDenied):
        recalculation.remove_recalculation(recalculation=point, reason="No", by=officer)
    assert SpcRecalculation.objects.get().removed_at is None
