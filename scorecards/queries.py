"""Read models for scorecard pages: everything for one period in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch

from indicators.models import Indicator, Lifecycle, Period
from organisation.models import Council
from scorecards.readings import Reading, read_indicators
from status.periods import PeriodKind
from status.rollup import RollUp, roll_up
from strategy.models import Ambition, Outcome

STRATEGIC_SET = "strategic"


@dataclass(frozen=True)
class AmbitionSection:
    ambition: Ambition
    readings: list[Reading]
    roll_up: RollUp


@dataclass(frozen=True)
class OrganisationScorecard:
    council: Council
    period: Period
    sections: list[AmbitionSection]
    roll_up: RollUp
    indicator_count: int


def scorecard_quarters(*, today: date) -> list[Period]:
    """Quarters that have ended, latest first: the periods a scorecard can show."""
    return list(
        Period.objects.filter(kind=PeriodKind.quarter, ends_on__lt=today).order_by("-starts_on")
    )


def latest_complete_quarter(*, today: date) -> Period | None:
    return (
        Period.objects.filter(kind=PeriodKind.quarter, ends_on__lt=today)
        .order_by("-starts_on")
        .first()
    )


def strategic_indicators() -> list[Indicator]:
    return list(
        Indicator.objects.filter(sets__code=STRATEGIC_SET)
        .exclude(lifecycle=Lifecycle.RETIRED)
        .select_related("owner")
        .prefetch_related(Prefetch("outcomes", queryset=Outcome.objects.only("id", "ambition_id")))
        .order_by("code")
    )


def organisation_scorecard(
    *, period: Period, today: date, council: Council
) -> OrganisationScorecard:
    """The organisation-wide balanced scorecard: strategic indicators by ambition."""
    ambitions = list(Ambition.objects.order_by("order", "title"))
    indicators = strategic_indicators()
    readings = read_indicators(indicators, period, today=today, council=council)

    by_ambition: dict[int, list[Reading]] = {a.pk: [] for a in ambitions}
    for indicator in indicators:
        for ambition_id in sorted({o.ambition_id for o in indicator.outcomes.all()}):
            by_ambition.setdefault(ambition_id, []).append(readings[indicator.pk])

    sections = [
        AmbitionSection(
            ambition=ambition,
            readings=by_ambition[ambition.pk],
            roll_up=_roll_up(by_ambition[ambition.pk]),
        )
        for ambition in ambitions
        if by_ambition[ambition.pk]
    ]
    return OrganisationScorecard(
        council=council,
        period=period,
        sections=sections,
        roll_up=_roll_up(list(readings.values())),
        indicator_count=len(indicators),
    )


def _roll_up(readings: list[Reading]) -> RollUp:
    return roll_up([r.rag for r in readings], [r.direction for r in readings])
