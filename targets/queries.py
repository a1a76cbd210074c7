"""What the year's targets page and workbook show, in a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from indicators.models import Indicator, Lifecycle, Period, Target
from organisation.models import Council, OrgUnit, OrgUnitKind
from organisation.permissions import is_corporate, scope_unit_ids
from scorecards.readings import read_indicators
from status.numbers import format_value
from status.periods import Aggregation, PeriodKind
from status.rag import Polarity
from status.spc import Assurance, assurance
from targets.models import YearTarget

NEEDS_PROCESS_CHANGE = "Needs the process to change"


@dataclass
class TargetRow:
    indicator: Indicator
    directorate: OrgUnit | None
    service: OrgUnit
    outturn: Decimal | None  # last year's figure for the year, by its aggregation
    outturn_shown: str
    current: Target | None  # the year's target now judging figures
    current_shown: str
    proposal: YearTarget | None
    proposal_shown: str
    lower_limit: Decimal | None  # the process limits of the latest SPC phase
    upper_limit: Decimal | None
    limits_shown: str
    needs_process_change: bool

    @property
    def is_data_only(self) -> bool:
        return self.indicator.polarity == Polarity.neither


def directorate_of(unit: OrgUnit) -> OrgUnit | None:
    """The directorate a unit sits in (itself, for a directorate)."""
    while unit is not None and unit.kind != OrgUnitKind.DIRECTORATE:
        unit = unit.parent
    return unit


def indicators_in_scope(user, *, directorate=None, service=None) -> list[Indicator]:
    """The indicators whose targets the person sees: all for the performance team, their own
    units' for a director; retired ones are left out. One query (two, with the scope)."""
    found = (
        Indicator.objects.exclude(lifecycle=Lifecycle.RETIRED)
        .select_related("owner__parent__parent")
        .order_by("code")
    )
    if not is_corporate(user):
        found = found.filter(owner_id__in=scope_unit_ids(user))
    chosen = service or directorate
    if chosen is not None:
        found = found.filter(owner_id__in=units_within(chosen))
    return list(found)


def units_within(unit: OrgUnit) -> set[int]:
    """The ids of a unit and every unit below it (one query)."""
    children: dict[int | None, list[int]] = {}
    for unit_id, parent_id in OrgUnit.objects.values_list("id", "parent_id"):
        children.setdefault(parent_id, []).append(unit_id)
    found, stack = set(), [unit.pk]
    while stack:
        unit_id = stack.pop()
        if unit_id not in found:
            found.add(unit_id)
            stack.extend(children.get(unit_id, []))
    return found


def previous_year(year: Period) -> Period | None:
    return Period.objects.filter(
        kind=PeriodKind.financial_year, ends_on=year.starts_on - datetime.timedelta(days=1)
    ).first()


def _shown(number: Decimal | None, indicator: Indicator) -> str:
    if number is None:
        return ""
    return format_value(number, indicator.precision, indicator.unit)


def _exact(number: Decimal | None, indicator: Indicator) -> str:
    """A target as stored (STATUS-RULES: targets are used exactly), with the unit."""
    if number is None:
        return ""
    exponent = number.normalize().as_tuple().exponent
    places = max(indicator.precision, -exponent if isinstance(exponent, int) else 0)
    return format_value(number, places, indicator.unit)


def target_shown(annual, lower, upper, indicator: Indicator) -> str:
    if indicator.polarity == Polarity.in_range:
        if lower is None or upper is None:
            return ""
        return f"{_exact(lower, indicator)} to {_exact(upper, indicator)}"
    return _exact(annual, indicator)


def point_targets(indicator: Indicator, proposal: YearTarget | None, current: Target | None):
    """The targets each point of the SPC series would be compared with: the profile's
    period targets (or the annual target of an annual, snapshot or average indicator).
    A cumulative indicator's year-to-date targets are not comparable with its points."""
    aggregation = Aggregation(indicator.aggregation)
    if aggregation is Aggregation.cumulative and indicator.frequency != "annual":
        return []
    if proposal is not None:
        if proposal.period_targets and indicator.frequency != "annual":
            return [Decimal(v) for v in proposal.period_targets.values()]
        return [proposal.annual]
    if current is not None and (
        indicator.frequency == "annual" or aggregation is not Aggregation.sum
    ):
        return [current.value]
    return []


def needs_process_change(reading, indicator, proposal, current) -> bool:
    """Whether the process limits say a target will consistently be missed (STATUS-RULES:
    assurance, compared exactly with the limits)."""
    if reading is None or reading.spc.chart is None:
        return False
    polarity = Polarity(indicator.polarity)
    if polarity is Polarity.in_range:
        source = proposal or current
        if source is None:
            return False
        found = assurance(reading.spc.chart, polarity, lower=source.lower, upper=source.upper)
        return found is Assurance.consistently_fails
    return any(
        assurance(reading.spc.chart, polarity, target) is Assurance.consistently_fails
        for target in point_targets(indicator, proposal, current)
        if target is not None
    )


def year_rows(
    indicators: list[Indicator], year: Period, *, today: datetime.date, council: Council
) -> list[TargetRow]:
    """One row per indicator: last year's outturn and process limits (the scorecards'
    readings of last year), the year's current target and its proposal."""
    last = previous_year(year)
    readings = (
        read_indicators(indicators, last, today=today, council=council)
        if last is not None and indicators
        else {}
    )
    current = {
        t.indicator_id: t
        for t in Target.objects.filter(period=year, indicator__in=indicators).order_by()
    }
    proposals = {
        t.indicator_id: t
        for t in YearTarget.objects.filter(year=year, indicator__in=indicators).select_related(
            "set_by", "proposed_by", "decided_by"
        )
    }
    rows = []
    for indicator in indicators:
        reading = readings.get(indicator.pk)
        chart = reading.spc.chart if reading is not None else None
        row_current, proposal = current.get(indicator.pk), proposals.get(indicator.pk)
        lower = chart.lower_process_limit if chart else None
        upper = chart.upper_process_limit if chart else None
        rows.append(
            TargetRow(
                indicator=indicator,
                directorate=directorate_of(indicator.owner),
                service=indicator.owner,
                outturn=reading.figure if reading else None,
                outturn_shown=reading.figure_shown
                if reading and reading.figure is not None
                else "",
                current=row_current,
                current_shown=target_shown(
                    row_current.value if row_current else None,
                    row_current.lower if row_current else None,
                    row_current.upper if row_current else None,
                    indicator,
                ),
                proposal=proposal,
                proposal_shown=target_shown(
                    proposal.annual if proposal else None,
                    proposal.lower if proposal else None,
                    proposal.upper if proposal else None,
                    indicator,
                ),
                lower_limit=lower,
                upper_limit=upper,
                limits_shown=(
                    f"{_shown(lower, indicator)} to {_shown(upper, indicator)}" if chart else ""
                ),
                needs_process_change=needs_process_change(
                    reading, indicator, proposal, row_current
                ),
            )
        )
    return rows
