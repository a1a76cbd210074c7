"""Read models for collection: which returns are due from whom, and each return's rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from indicators.definitions import reported_for
from indicators.models import (
    SIGNED_OFF_STATES,
    CycleState,
    Frequency,
    Indicator,
    Lifecycle,
    Period,
    ReportingCycle,
    RevisionAction,
    Value,
    ValueRevision,
    ValueState,
)
from organisation.models import Council, OrgUnit
from organisation.permissions import is_corporate, scope_unit_ids, sign_off_unit_ids
from scorecards.readings import Reading, read_indicators
from status.periods import PeriodKind

HISTORY_POINTS = 24
COLLECTED = (Lifecycle.PROVISIONAL, Lifecycle.APPROVED)
FREQUENCY_OF_KIND = {
    PeriodKind.month: Frequency.MONTHLY,
    PeriodKind.quarter: Frequency.QUARTERLY,
    PeriodKind.financial_year: Frequency.ANNUAL,
}


class ReturnState:
    """Where a service's return stands in a cycle (words the chasing view shows)."""

    NOT_STARTED = "Not started"
    DRAFT = "Draft"
    RETURNED = "Returned for correction"
    SUBMITTED = "Submitted"
    APPROVED = "Signed off"


@dataclass(frozen=True)
class ServiceReturn:
    cycle: ReportingCycle
    service: OrgUnit
    indicator_count: int
    counts: dict[str, int]  # value state → number of indicators; "none" for no value yet
    state: str
    is_late: bool


@dataclass(frozen=True)
class ReturnRow:
    indicator: Indicator
    value: Value | None
    previous: Value | None  # last period's signed-off value
    previous_period: Period | None
    target_shown: str
    history: list[Decimal]
    reading: Reading  # the status the current or proposed figure would get
    returned: ValueRevision | None = None  # why the approver returned it, while it is returned


def due_indicators(cycle: ReportingCycle, units: set[int] | None = None):
    """Indicators collected in a cycle's period, from all services or from `units`: those
    collected now and reported for the period (not before their first period), and retired
    ones up to their last period."""
    frequency = FREQUENCY_OF_KIND.get(PeriodKind(cycle.period.kind))
    indicators = Indicator.objects.filter(reported_for(cycle.period), frequency=frequency).exclude(
        lifecycle=Lifecycle.PROPOSED
    )
    if units is not None:
        indicators = indicators.filter(owner_id__in=units)
    return indicators.select_related("owner", "first_period", "last_period").order_by(
        "owner__name", "code"
    )


def return_state(counts: dict[str, int], total: int) -> str:
    if counts.get(ValueState.APPROVED, 0) + counts.get(ValueState.PUBLISHED, 0) == total:
        return ReturnState.APPROVED
    if counts.get(ValueState.RETURNED):
        return ReturnState.RETURNED
    if counts.get("none", 0) == total:
        return ReturnState.NOT_STARTED
    if counts.get(ValueState.DRAFT) or counts.get("none"):
        return ReturnState.DRAFT
    return ReturnState.SUBMITTED


def service_returns(
    cycles: list[ReportingCycle], *, today: date, units: set[int] | None = None
) -> list[ServiceReturn]:
    """Every service's return in the cycles, with the state of its figures (three queries)."""
    by_cycle_service: dict[tuple[int, int], list[Indicator]] = defaultdict(list)
    for cycle in cycles:
        for indicator in due_indicators(cycle, units):
            by_cycle_service[cycle.pk, indicator.owner_id].append(indicator)
    states = {
        (v.indicator_id, v.period_id): v.state
        for v in Value.objects.filter(
            period_id__in=[c.period_id for c in cycles],
            indicator_id__in={i.pk for group in by_cycle_service.values() for i in group},
        ).only("indicator_id", "period_id", "state")
    }
    cycles_by_id = {c.pk: c for c in cycles}
    returns = []
    for (cycle_id, _), indicators in by_cycle_service.items():
        cycle = cycles_by_id[cycle_id]
        counts: dict[str, int] = defaultdict(int)
        for indicator in indicators:
            counts[states.get((indicator.pk, cycle.period_id), "none")] += 1
        state = return_state(counts, len(indicators))
        returns.append(
            ServiceReturn(
                cycle=cycle,
                service=indicators[0].owner,
                indicator_count=len(indicators),
                counts=dict(counts),
                state=state,
                is_late=today > cycle.data_entry_deadline
                and state in (ReturnState.NOT_STARTED, ReturnState.DRAFT, ReturnState.RETURNED),
            )
        )
    return sorted(returns, key=lambda r: (r.cycle.data_entry_deadline, r.service.name))


def open_cycles() -> list[ReportingCycle]:
    return list(
        ReportingCycle.objects.filter(state=CycleState.OPEN)
        .select_related("period")
        .order_by("data_entry_deadline")
    )


def my_returns(user, *, today: date) -> list[ServiceReturn]:
    """The returns due from a person in the open cycles: their services' (all, for the
    performance team)."""
    units = None if is_corporate(user) else set(scope_unit_ids(user))
    if units is not None and not units:
        return []
    return service_returns(open_cycles(), today=today, units=units)


def return_rows(
    cycle: ReportingCycle,
    service: OrgUnit,
    *,
    today: date,
    council: Council,
    proposed: dict[int, Decimal | None] | None = None,
) -> list[ReturnRow]:
    """The rows of one service's return: each indicator's figure, last period's, its target
    and the status the figure gets (or would get, for `proposed` figures)."""
    indicators = list(due_indicators(cycle, {service.pk}))
    ids = [i.pk for i in indicators]
    period = cycle.period
    readings = read_indicators(
        indicators,
        period,
        today=today,
        council=council,
        proposed=_proposed(indicators, period, proposed),
    )
    current = {v.indicator_id: v for v in Value.objects.filter(indicator_id__in=ids, period=period)}
    signed_off: dict[int, list[Value]] = defaultdict(list)
    for value in (
        Value.objects.filter(
            indicator_id__in=ids,
            state__in=SIGNED_OFF_STATES,
            period__kind=period.kind,
            period__ends_on__lt=period.starts_on,
        )
        .select_related("period")
        .order_by("period__starts_on")
    ):
        signed_off[value.indicator_id].append(value)
    returned = _return_reasons(current.values())
    rows = []
    for indicator in indicators:
        earlier = signed_off[indicator.pk]
        previous = earlier[-1] if earlier else None
        rows.append(
            ReturnRow(
                indicator=indicator,
                value=current.get(indicator.pk),
                previous=previous,
                previous_period=previous.period if previous else None,
                target_shown=readings[indicator.pk].target_shown,
                history=[v.figure for v in earlier[-HISTORY_POINTS:] if v.figure is not None],
                reading=readings[indicator.pk],
                returned=returned.get(indicator.pk),
            )
        )
    return rows


def _return_reasons(values) -> dict[int, ValueRevision]:
    """The latest "returned" revision of each value now returned for correction, by
    indicator (one query for the whole return, none if nothing is returned)."""
    returned = {v.pk: v.indicator_id for v in values if v.state == ValueState.RETURNED}
    if not returned:
        return {}
    latest = {}
    for revision in (
        ValueRevision.objects.filter(value_id__in=returned, action=RevisionAction.RETURNED)
        .select_related("changed_by")
        .order_by("value_id", "number")
    ):
        latest[returned[revision.value_id]] = revision
    return latest


def _proposed(indicators, period, proposed):
    """Figures to judge: what was typed, else the saved figure (even if not yet signed off)."""
    saved = dict(
        Value.objects.filter(indicator__in=indicators, period=period).values_list(
            "indicator_id", "figure"
        )
    )
    return {**saved, **(proposed or {})}


@dataclass(frozen=True)
class AwaitingSignOff:
    cycle: ReportingCycle
    service: OrgUnit
    count: int


def awaiting_sign_off(user) -> list[AwaitingSignOff]:
    """Services with figures submitted and waiting for this approver, in open cycles and in
    closed ones (a figure submitted before the close can still be signed off)."""
    units = sign_off_unit_ids(user)
    counts: dict[tuple[int, int], int] = defaultdict(int)
    values = Value.objects.filter(
        state=ValueState.SUBMITTED,
        period__cycle__state__in=(CycleState.OPEN, CycleState.CLOSED),
        indicator__owner_id__in=units,
    ).exclude(submitted_by=user)
    for period_id, owner_id in values.values_list("period_id", "indicator__owner_id"):
        counts[period_id, owner_id] += 1
    cycles = {
        c.period_id: c
        for c in ReportingCycle.objects.filter(period_id__in={p for p, _ in counts}).select_related(
            "period"
        )
    }
    services = OrgUnit.objects.in_bulk({o for _, o in counts})
    return sorted(
        (
            AwaitingSignOff(cycle=cycles[p], service=services[o], count=n)
            for (p, o), n in counts.items()
        ),
        key=lambda a: (a.cycle.data_entry_deadline, a.service.name),
    )


def submitted_figures(cycle: ReportingCycle, service: OrgUnit) -> list[Value]:
    return list(
        Value.objects.filter(
            period=cycle.period, indicator__owner=service, state=ValueState.SUBMITTED
        )
        .select_related("indicator", "submitted_by", "period")
        .prefetch_related("evidence")
        .order_by("indicator__code")
    )


def value_history(value: Value):
    """Every revision of a value, oldest first, with who made it."""
    return list(value.revisions.select_related("changed_by").order_by("number"))
