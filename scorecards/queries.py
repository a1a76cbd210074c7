"""Read models for scorecard pages: the golden thread for one period, in a fixed number of
queries whatever the number of indicators.

Every scorecard is sections of readings with their roll-ups: the organisation by ambition,
an ambition by outcome, a directorate by strategic indicators then each service, a committee
by ambition. Filters narrow the indicators and the readings shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet

from indicators.models import Baseline, Indicator, Lifecycle, Period
from organisation.models import Council, OrgUnit, OrgUnitKind
from scorecards.filters import Filters
from scorecards.readings import Reading, indicator_history, read_indicators
from status.periods import PeriodKind
from status.rollup import RollUp, roll_up
from strategy.models import Ambition, Committee, Outcome

STRATEGIC_SET = "strategic"


@dataclass(frozen=True)
class Section:
    title: str
    anchor: str
    readings: list[Reading]
    roll_up: RollUp
    url_name: str = ""  # where the section's own page is, for the drill-down
    url_arg: str = ""


@dataclass(frozen=True)
class Scorecard:
    council: Council
    period: Period
    sections: list[Section]
    roll_up: RollUp
    indicator_count: int  # before the status/direction/SPC filters


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


def live_indicators() -> QuerySet:
    """Indicators still in use, with what the scorecards need to place them."""
    return (
        Indicator.objects.exclude(lifecycle=Lifecycle.RETIRED)
        .select_related("owner", "owner__parent")
        .prefetch_related(
            Prefetch("outcomes", queryset=Outcome.objects.only("id", "ambition_id", "title")),
            "sets",
        )
        .order_by("code")
    )


def strategic_indicators() -> list[Indicator]:
    return list(live_indicators().filter(sets__code=STRATEGIC_SET))


def _roll_up(readings: Iterable[Reading]) -> RollUp:
    readings = list(readings)
    return roll_up([r.rag for r in readings], [r.direction for r in readings])


def _build(
    indicators: QuerySet,
    period: Period,
    *,
    today: date,
    council: Council,
    filters: Filters,
    sections: Callable[[list[Indicator], dict[int, Reading]], list[Section]],
) -> Scorecard:
    chosen = list(filters.narrow(indicators))
    readings = read_indicators(chosen, period, today=today, council=council)
    shown = {pk: r for pk, r in readings.items() if filters.keep(r)}
    built = [s for s in sections(chosen, shown) if s.readings]
    return Scorecard(
        council=council,
        period=period,
        sections=built,
        roll_up=_roll_up(shown.values()),
        indicator_count=len(chosen),
    )


def _section(title, anchor, readings, url_name="", url_arg="") -> Section:
    return Section(title, anchor, readings, _roll_up(readings), url_name, url_arg)


def _by_ambition(ambitions: list[Ambition]):
    def sections(indicators, readings):
        grouped: dict[int, list[Reading]] = {a.pk: [] for a in ambitions}
        for indicator in indicators:
            if indicator.pk not in readings:
                continue
            for ambition_id in sorted({o.ambition_id for o in indicator.outcomes.all()}):
                if ambition_id in grouped:
                    grouped[ambition_id].append(readings[indicator.pk])
        unlinked = [
            readings[i.pk]
            for i in indicators
            if i.pk in readings and not any(o.ambition_id in grouped for o in i.outcomes.all())
        ]
        return [
            *(
                _section(
                    a.title, f"ambition-{a.code}", grouped[a.pk], "scorecards:ambition", a.code
                )
                for a in ambitions
            ),
            _section("Not linked to an ambition", "unlinked", unlinked),
        ]

    return sections


def organisation_scorecard(
    *, period: Period, today: date, council: Council, filters: Filters | None = None
) -> Scorecard:
    """The organisation-wide balanced scorecard: strategic indicators by ambition."""
    ambitions = list(Ambition.objects.order_by("order", "title"))
    return _build(
        live_indicators().filter(sets__code=STRATEGIC_SET),
        period,
        today=today,
        council=council,
        filters=filters or Filters(),
        sections=_by_ambition(ambitions),
    )


def ambition_scorecard(
    ambition: Ambition,
    *,
    period: Period,
    today: date,
    council: Council,
    filters: Filters | None = None,
) -> Scorecard:
    """One ambition's indicators (every set), by outcome."""
    outcomes = list(ambition.outcomes.order_by("order", "title"))

    def sections(indicators, readings):
        return [
            _section(
                o.title,
                f"outcome-{o.code}",
                [
                    readings[i.pk]
                    for i in indicators
                    if i.pk in readings and any(x.pk == o.pk for x in i.outcomes.all())
                ],
                "scorecards:outcome",
                o.code,
            )
            for o in outcomes
        ]

    return _build(
        live_indicators().filter(outcomes__ambition=ambition).distinct(),
        period,
        today=today,
        council=council,
        filters=filters or Filters(),
        sections=sections,
    )


def outcome_scorecard(
    outcome: Outcome,
    *,
    period: Period,
    today: date,
    council: Council,
    filters: Filters | None = None,
) -> Scorecard:
    """One outcome's indicators."""

    def sections(indicators, readings):
        return [
            _section(
                outcome.title,
                f"outcome-{outcome.code}",
                [readings[i.pk] for i in indicators if i.pk in readings],
            )
        ]

    return _build(
        live_indicators().filter(outcomes=outcome),
        period,
        today=today,
        council=council,
        filters=filters or Filters(),
        sections=sections,
    )


def directorate_scorecard(
    directorate: OrgUnit,
    *,
    period: Period,
    today: date,
    council: Council,
    filters: Filters | None = None,
) -> Scorecard:
    """A directorate's strategic indicators, then each service's operational indicators."""
    services = list(
        OrgUnit.objects.filter(parent=directorate, kind=OrgUnitKind.SERVICE).order_by("name")
    )

    def service_of(indicator: Indicator) -> int | None:
        owner = indicator.owner
        if owner.kind == OrgUnitKind.TEAM:
            return owner.parent_id
        return owner.pk if owner.kind == OrgUnitKind.SERVICE else None

    def sections(indicators, readings):
        strategic = [
            readings[i.pk]
            for i in indicators
            if i.pk in readings and any(s.code == STRATEGIC_SET for s in i.sets.all())
        ]
        operational = [
            i
            for i in indicators
            if i.pk in readings and not any(s.code == STRATEGIC_SET for s in i.sets.all())
        ]
        built = [_section("Strategic indicators", "strategic", strategic)]
        for service in services:
            built.append(
                _section(
                    service.name,
                    f"service-{service.code}",
                    [readings[i.pk] for i in operational if service_of(i) == service.pk],
                    "scorecards:service",
                    service.code,
                )
            )
        own = [readings[i.pk] for i in operational if service_of(i) is None]
        built.append(_section(f"{directorate.name} directorate", "directorate-own", own))
        return built

    d = directorate
    return _build(
        live_indicators().filter(
            owner__in=OrgUnit.objects.filter(pk=d.pk)
            | OrgUnit.objects.filter(parent=d)
            | OrgUnit.objects.filter(parent__parent=d)
        ),
        period,
        today=today,
        council=council,
        filters=filters or Filters(),
        sections=sections,
    )


def service_scorecard(
    service: OrgUnit,
    *,
    period: Period,
    today: date,
    council: Council,
    filters: Filters | None = None,
) -> Scorecard:
    """A service's indicators (its teams' too), strategic first."""

    def sections(indicators, readings):
        def is_strategic(i):
            return any(s.code == STRATEGIC_SET for s in i.sets.all())

        return [
            _section(
                "Strategic indicators",
                "strategic",
                [readings[i.pk] for i in indicators if i.pk in readings and is_strategic(i)],
            ),
            _section(
                "Operational indicators",
                "operational",
                [readings[i.pk] for i in indicators if i.pk in readings and not is_strategic(i)],
            ),
        ]

    return _build(
        live_indicators().filter(
            owner__in=OrgUnit.objects.filter(pk=service.pk) | OrgUnit.objects.filter(parent=service)
        ),
        period,
        today=today,
        council=council,
        filters=filters or Filters(),
        sections=sections,
    )


def committee_indicators(committee: Committee) -> QuerySet:
    """Exactly the indicators in a committee's remit: those it receives, and every strategic
    indicator when it receives the whole balanced scorecard."""
    if committee.receives_full_scorecard:
        return live_indicators().filter(sets__code=STRATEGIC_SET) | live_indicators().filter(
            committees=committee
        )
    return live_indicators().filter(committees=committee)


def committee_period(committee: Committee, *, today: date):
    """The committee's next meeting, and the period it will consider: the latest period of
    the reporting cycles that feed that meeting (else the latest complete quarter)."""
    meeting = (
        committee.meetings.filter(starts_at__date__gte=today, is_cancelled=False)
        .order_by("starts_at")
        .first()
    )
    if meeting is not None:
        fed = (
            Period.objects.filter(cycle__meetings=meeting, kind=PeriodKind.quarter)
            .order_by("-starts_on")
            .first()
        )
        if fed is not None:
            return meeting, fed
    return meeting, latest_complete_quarter(today=today)


def committee_scorecard(
    committee: Committee,
    *,
    period: Period,
    today: date,
    council: Council,
    filters: Filters | None = None,
) -> Scorecard:
    ambitions = list(Ambition.objects.order_by("order", "title"))
    return _build(
        committee_indicators(committee).distinct(),
        period,
        today=today,
        council=council,
        filters=filters or Filters(),
        sections=_by_ambition(ambitions),
    )


@dataclass(frozen=True)
class IndicatorDetail:
    indicator: Indicator
    reading: Reading  # for the chosen quarter, with its SPC chart
    history: list[Reading]  # every period, latest first
    versions: list
    baseline: Baseline | None
    outcomes: list[Outcome]
    committees: list[Committee]


def indicator_detail(
    indicator: Indicator, *, period: Period, today: date, council: Council
) -> IndicatorDetail:
    """Everything the indicator page shows, in a fixed number of queries."""
    reading = read_indicators([indicator], period, today=today, council=council)[indicator.pk]
    return IndicatorDetail(
        indicator=indicator,
        reading=reading,
        history=indicator_history(indicator, period, today=today, council=council),
        versions=list(indicator.versions.select_related("recorded_by").order_by("-number")),
        baseline=Baseline.objects.filter(indicator=indicator).select_related("period").first(),
        outcomes=list(indicator.outcomes.select_related("ambition")),
        committees=list(indicator.committees.all()),
    )
