"""Read models for scorecard pages: the golden thread for one period, in a fixed number of
queries whatever the number of indicators.

Every scorecard is sections of readings with their roll-ups: the organisation by ambition,
an ambition by outcome, a directorate by strategic indicators then each service, a committee
by ambition. Filters narrow the indicators and the readings shown.

A scorecard for a period shows the indicators in force then (retired ones too, up to their
last period; none before its first), placed as they stood: by the owner, sets, committees and
outcomes of the version in force for the period, not today's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet

from benchmarking.compared import with_comparisons
from indicators.definitions import first_reported_on
from indicators.models import Baseline, Frequency, Indicator, IndicatorSet, Period
from organisation.models import Council, OrgUnit, OrgUnitKind
from scorecards.filters import Filters, in_set, owned_within
from scorecards.history import History, history_of
from scorecards.readings import (
    Reading,
    Standing,
    in_force,
    read_indicators,
)
from status.periods import PeriodKind, period_containing
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
    # Where each indicator shown stood in the period (its owner, sets, outcomes then).
    standings: dict[int, Standing] = field(default_factory=dict)
    has_comparisons: bool = False  # some indicator is compared with other councils

    @property
    def section_entries(self) -> int:
        """Indicators counted in the sections: more than shown when one sits in two sections
        (an indicator evidencing outcomes of two ambitions)."""
        return sum(len(s.readings) for s in self.sections)


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


def every_indicator() -> QuerySet:
    """Every indicator, retired ones too (each is shown for the periods it was reported for).
    Where it is placed comes from its versions; `in_force` gives each its owner and its first
    and last periods."""
    return Indicator.objects.order_by("code")


# A scorecard's choice of indicators: given where one stood and the sets' ids by code.
Scope = Callable[[Standing, dict[str, int]], bool]


def _strategic(standing: Standing, sets: dict[str, int]) -> bool:
    return in_set(standing, sets, STRATEGIC_SET)


def strategic_indicators(*, period: Period) -> list[Indicator]:
    """The indicators in force in `period` that were in the strategic set then."""
    sets = dict(IndicatorSet.objects.values_list("code", "pk"))
    return in_force(every_indicator(), period, choose=lambda s: _strategic(s, sets)).indicators


def _roll_up(readings: Iterable[Reading]) -> RollUp:
    readings = list(readings)
    return roll_up([r.rag for r in readings], [r.direction for r in readings])


def _build(
    scope: Scope,
    period: Period,
    *,
    today: date,
    council: Council,
    filters: Filters,
    sections: Callable[[list[Standing], dict[int, Reading], dict[str, int]], list[Section]],
) -> Scorecard:
    """The indicators in force in `period` that `scope` and the filters choose, where they
    stood then, read and put in sections: one query (the sets) and those of `in_force` and
    `read_indicators`, which share the periods and versions, and one for the benchmark links
    (one more for their kept positions when there are any: `compared_for`)."""
    sets = dict(IndicatorSet.objects.values_list("code", "pk"))
    found = in_force(
        every_indicator(), period, choose=lambda s: scope(s, sets) and filters.admits(s, sets)
    )
    chosen = list(found.standings.values())
    readings = read_indicators(
        [s.indicator for s in chosen], period, today=today, council=council, in_force=found
    )
    readings = with_comparisons(readings, council=council, ends_by=period.ends_on)
    shown = {pk: r for pk, r in readings.items() if filters.keep(r)}
    built = [s for s in sections(chosen, shown, sets) if s.readings]
    return Scorecard(
        council=council,
        period=period,
        sections=built,
        roll_up=_roll_up(shown.values()),
        indicator_count=len(chosen),
        standings={s.indicator.pk: s for s in chosen if s.indicator.pk in shown},
        has_comparisons=any(r.compared for r in readings.values()),
    )


def _section(title, anchor, readings, url_name="", url_arg="") -> Section:
    return Section(title, anchor, readings, _roll_up(readings), url_name, url_arg)


def _by_ambition():
    """Sections by ambition, each indicator under the ambitions of the outcomes it evidenced
    in the period (one query, for the outcomes and their ambitions)."""
    outcomes = list(
        Outcome.objects.select_related("ambition").order_by("ambition__order", "ambition__title")
    )
    ambition_of = {o.pk: o.ambition_id for o in outcomes}
    ambitions = list({o.ambition_id: o.ambition for o in outcomes}.values())

    def sections(standings, readings, sets):
        grouped: dict[int, list[Reading]] = {a.pk: [] for a in ambitions}
        unlinked = []
        for standing in standings:
            pk = standing.indicator.pk
            if pk not in readings:
                continue
            linked = sorted({ambition_of[o] for o in standing.outcome_ids if o in ambition_of})
            for ambition_id in linked:
                grouped[ambition_id].append(readings[pk])
            if not linked:
                unlinked.append(readings[pk])
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
    return _build(
        _strategic,
        period,
        today=today,
        council=council,
        filters=filters or Filters(),
        sections=_by_ambition(),
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
    ids = {o.pk for o in outcomes}

    def sections(standings, readings, sets):
        return [
            _section(
                o.title,
                f"outcome-{o.code}",
                [
                    readings[s.indicator.pk]
                    for s in standings
                    if s.indicator.pk in readings and o.pk in s.outcome_ids
                ],
                "scorecards:outcome",
                o.code,
            )
            for o in outcomes
        ]

    return _build(
        lambda standing, sets: bool(standing.outcome_ids & ids),
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

    def sections(standings, readings, sets):
        return [
            _section(
                outcome.title,
                f"outcome-{outcome.code}",
                [readings[s.indicator.pk] for s in standings if s.indicator.pk in readings],
            )
        ]

    return _build(
        lambda standing, sets: outcome.pk in standing.outcome_ids,
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

    def service_of(standing: Standing) -> int | None:
        owner = standing.owner
        if owner.kind == OrgUnitKind.TEAM:
            return owner.parent_id
        return owner.pk if owner.kind == OrgUnitKind.SERVICE else None

    def sections(standings, readings, sets):
        shown = [s for s in standings if s.indicator.pk in readings]
        strategic = [readings[s.indicator.pk] for s in shown if _strategic(s, sets)]
        operational = [s for s in shown if not _strategic(s, sets)]
        built = [_section("Strategic indicators", "strategic", strategic)]
        for service in services:
            built.append(
                _section(
                    service.name,
                    f"service-{service.code}",
                    [readings[s.indicator.pk] for s in operational if service_of(s) == service.pk],
                    "scorecards:service",
                    service.code,
                )
            )
        own = [readings[s.indicator.pk] for s in operational if service_of(s) is None]
        built.append(_section(f"{directorate.name} directorate", "directorate-own", own))
        return built

    return _build(
        lambda standing, sets: owned_within(standing.owner, directorate),
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

    def sections(standings, readings, sets):
        shown = [s for s in standings if s.indicator.pk in readings]
        return [
            _section(
                "Strategic indicators",
                "strategic",
                [readings[s.indicator.pk] for s in shown if _strategic(s, sets)],
            ),
            _section(
                "Operational indicators",
                "operational",
                [readings[s.indicator.pk] for s in shown if not _strategic(s, sets)],
            ),
        ]

    def within(standing: Standing, sets) -> bool:
        owner = standing.owner
        return owner.pk == service.pk or owner.parent_id == service.pk

    return _build(
        within,
        period,
        today=today,
        council=council,
        filters=filters or Filters(),
        sections=sections,
    )


def in_remit(committee: Committee) -> Scope:
    """Exactly the indicators in a committee's remit: those it received in the period, and
    every strategic indicator of the period when it receives the whole balanced scorecard."""

    def chosen(standing: Standing, sets: dict[str, int]) -> bool:
        if committee.pk in standing.committee_ids:
            return True
        return committee.receives_full_scorecard and _strategic(standing, sets)

    return chosen


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
    return _build(
        in_remit(committee),
        period,
        today=today,
        council=council,
        filters=filters or Filters(),
        sections=_by_ambition(),
    )


@dataclass(frozen=True)
class IndicatorDetail:
    indicator: Indicator
    reading: Reading  # for the chosen quarter, with its SPC chart
    history: History  # its SPC chart and every period it was reported for, drawn
    versions: list
    baseline: Baseline | None
    outcomes: list[Outcome]
    committees: list[Committee]
    is_reported: bool = True  # in force in the chosen quarter (else `reading` is not shown)
    reported_from: str = ""  # the label of its first period
    reported_to: str = ""  # a retired indicator's last period ("" while it is reported)


def indicator_detail(
    indicator: Indicator, *, period: Period, today: date, council: Council
) -> IndicatorDetail:
    """Everything the indicator page shows, in a fixed number of queries. Select its
    `first_period` and `last_period` with it."""
    found = in_force([indicator], period)
    kind = Frequency(indicator.frequency).period_kind
    first = indicator.first_period or period_containing(
        kind, first_reported_on(indicator, found.versions[indicator.pk])
    )
    readings = read_indicators([indicator], period, today=today, council=council, in_force=found)
    return IndicatorDetail(
        indicator=indicator,
        reading=readings[indicator.pk],
        history=history_of(indicator, period, today=today, council=council),
        is_reported=indicator.pk in found.standings,
        reported_from=first.label,
        reported_to=indicator.last_period.label if indicator.last_period else "",
        versions=list(
            indicator.versions.select_related("recorded_by", "owner").order_by("-number")
        ),
        baseline=Baseline.objects.filter(indicator=indicator).select_related("period").first(),
        outcomes=list(indicator.outcomes.select_related("ambition")),
        committees=list(indicator.committees.all()),
    )
