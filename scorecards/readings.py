"""Judging indicators for a period: one reading per indicator, in a fixed number of queries.

A reading brings together the signed-off figure, its target and tolerance, the comparison
figure and the series for SPC, and asks the status package for RAG, direction and SPC.
Drafts and figures awaiting sign-off never reach a reading.
"""

from __future__ import annotations

import json
from collections import defaultdict, namedtuple
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q, TextField
from django.db.models.functions import Cast

from indicators.definitions import definition_in_force, is_reported
from indicators.models import (
    SIGNED_OFF_STATES,
    Frequency,
    Indicator,
    IndicatorVersion,
    Period,
    ReportingCycle,
    SpcRecalculation,
    Target,
    Value,
)
from indicators.periods import span_of
from organisation.models import Council, OrgUnit
from scorecards import stored
from status import periods as period_rules
from status.direction import Comparison, Direction, comparison_for, direction_of_travel
from status.numbers import format_value
from status.periods import Aggregation, PeriodKind
from status.quality import Quality, figure_quality
from status.rag import Polarity, Rag, RagRule, Tolerance, value_status
from status.spc import SpcReading, spc_reading, target_for_assurance

# How fine each kind of period is, to tell whether an indicator's own periods sit inside a span.
FINENESS = {PeriodKind.month: 1, PeriodKind.quarter: 3, PeriodKind.financial_year: 12}


@dataclass(frozen=True)
class Reading:
    indicator: Indicator
    definition: IndicatorVersion | Indicator
    period: Period | None  # the indicator's own period the figure belongs to
    figure: Decimal | None
    figure_shown: str
    target: Decimal | None
    lower: Decimal | None
    upper: Decimal | None
    target_shown: str
    rag: Rag
    direction: Direction
    comparison: Comparison
    comparison_period: Period | None
    comparison_shown: str
    last_year_shown: str  # the figure for the same period last year
    last_year_direction: Direction  # compared with that figure
    spc: SpcReading  # or, read back from a kept reading, a `stored.KeptSpc` reading like one
    value: Value | None  # the signed-off value carrying the commentary
    series: tuple[tuple[Period, Decimal], ...]  # (read back: a `stored.KeptSeries` like one)
    # What the latest point's limits were compared with: the target of its own period at the
    # indicator's frequency (STATUS-RULES, "The target for assurance").
    spc_target: Decimal | None
    spc_lower: Decimal | None
    spc_upper: Decimal | None
    # Where the SPC series was cut into phases: (position in the series, recalculation).
    spc_cuts: tuple[tuple[int, SpcRecalculation], ...]
    spc_baseline: tuple[int, int] | None  # the baseline's first and last position in the series
    data_quality: Quality = Quality.final  # of the figure, from the periods it is made of
    # Where the council stands among other councils' published figures
    # (benchmarking.compared.Compared), for a linked indicator on a scorecard.
    compared: object | None = None
    # The trend sparkline's SVG, when read back from a kept reading (`trends.trend_svg`).
    trend: str | None = field(default=None, compare=False, repr=False)


class _Calendar:
    """All periods up to the scorecard's end, indexed by kind and code."""

    def __init__(self, periods: list[Period]):
        self.by_code = {(p.kind, p.code): p for p in periods}
        self.by_pk = {p.pk: p for p in periods}
        self.by_kind: dict[str, list[Period]] = defaultdict(list)
        for p in sorted(periods, key=lambda p: p.starts_on):
            self.by_kind[p.kind].append(p)

    def native_periods(self, frequency: str, span: Period) -> list[Period]:
        """The indicator's own periods that make up `span` (or the latest before it ends)."""
        kind = Frequency(frequency).period_kind
        own = self.by_kind.get(kind, [])
        if FINENESS[kind] <= FINENESS.get(PeriodKind(span.kind), 12):
            return [p for p in own if p.starts_on >= span.starts_on and p.ends_on <= span.ends_on]
        ended = [p for p in own if p.ends_on <= span.ends_on]
        return ended[-1:]

    def reported_periods(self, indicator: Indicator, span: Period, versions) -> list[Period]:
        """The indicator's own periods making up `span` that lie within its first and last
        periods; all of them when none does (a caller reading it outside its range)."""
        natives = self.native_periods(indicator.frequency, span)
        return [p for p in natives if is_reported(indicator, p, versions)] or natives

    def holding(self, period: Period) -> list[Period]:
        """The longer periods holding `period`, shortest first: its quarter, then its year."""
        longer = []
        if period.kind == PeriodKind.month:
            quarter = period_rules.period_containing(PeriodKind.quarter, period.starts_on)
            if (PeriodKind.quarter, quarter.code) in self.by_code:
                longer.append(self.by_code[PeriodKind.quarter, quarter.code])
        if period.financial_year_id in self.by_pk:
            longer.append(self.by_pk[period.financial_year_id])
        return longer

    def shifted(self, span: Period, comparison: Comparison) -> Period | None:
        rules_span = span_of(span)
        if comparison is Comparison.same_period_last_year:
            other = period_rules.same_period_last_year(rules_span)
        else:
            other = period_rules.previous_period(rules_span)
        return self.by_code.get((other.kind, other.code))


def _tolerance(target: Target | None, definition, council: Council) -> Tolerance:
    for source in (target, definition):
        if source is None:
            continue
        if source.tolerance_absolute is not None:
            return Tolerance(absolute=source.tolerance_absolute)
        if source.tolerance_percent is not None:
            return Tolerance(percent=source.tolerance_percent)
    return Tolerance(percent=council.default_tolerance_percent)


def read_indicators(
    indicators: list[Indicator],
    span: Period,
    *,
    today: date,
    council: Council,
    proposed: dict[int, Decimal | None] | None = None,
    in_force: InForce | None = None,
) -> dict[int, Reading]:
    """Readings for `indicators` for the scorecard period `span`, in their order.

    Kept readings (`scorecards.stored`) are read back in three queries (five without
    `in_force`, which brings the calendar and versions for the same span); any not kept are
    judged from the rules in ten more, every input read again after their generations, and
    kept.

    `proposed` maps indicator ids to figures an officer is entering for `span` itself: the
    readings then say what status those figures would get once signed off (never kept).
    """
    if proposed:
        return read_afresh(
            indicators, span, today=today, council=council, proposed=proposed, in_force=in_force
        )
    ids = [i.pk for i in indicators]
    kept = stored.kept_for(ids, span, today=today)
    readings: dict[int, Reading] = {}
    if kept:
        readings.update(_read_back(indicators, kept, span, in_force))
    missing = [i for i in indicators if i.pk not in kept]
    if missing:
        generation = stored.generations([i.pk for i in missing])  # before the inputs …
        calendar = stored.calendar_generation()
        deadlines: dict[int, date] = {}
        # … all of them: the indicators, the council, the periods and versions are read again,
        # as they are now, not as this request read them before the generations.
        again = Indicator.objects.in_bulk([i.pk for i in missing])
        now = Council.objects.filter(pk=council.pk).first() or council
        judged = read_afresh(
            [again.get(i.pk, i) for i in missing],
            span,
            today=today,
            council=now,
            deadlines=deadlines,
        )
        stored.keep(
            judged,
            span,
            generation=generation,
            calendar=calendar,
            deadlines=deadlines,
            today=today,
        )
        by_pk = {i.pk: i for i in missing}
        readings.update(
            {pk: replace(reading, indicator=by_pk[pk]) for pk, reading in judged.items()}
        )
    return {pk: readings[pk] for pk in ids}


def read_afresh(
    indicators: list[Indicator],
    span: Period,
    *,
    today: date,
    council: Council,
    proposed: dict[int, Decimal | None] | None = None,
    in_force: InForce | None = None,
    deadlines: dict | None = None,
) -> dict[int, Reading]:
    """Readings judged from the rules and their inputs, kept or not (six queries; four with
    `in_force`). `deadlines`, if given, is filled with the data entry deadline of each period."""
    context, versions = _load(
        indicators, span, today=today, council=council, proposed=proposed, loaded=in_force
    )
    if deadlines is not None:
        deadlines.update(context.deadlines)
    return {i.pk: context.read(i, span, versions[i.pk]) for i in indicators}


def _read_back(indicators, kept: dict, span: Period, loaded: InForce | None) -> dict:
    """Readings from what was kept of them, with the rows they name (the periods and
    versions, unless `loaded` has them; the values they carry; the recalculation points)."""
    ids = [i.pk for i in indicators if i.pk in kept]
    if loaded is not None:
        calendar, versions = loaded.calendar, loaded.versions
    else:
        calendar = _Calendar(list(Period.objects.filter(starts_on__lte=span.ends_on)))
        versions = _versions(ids)
    # Only the values the readings carry (its figure's own, for most): the generations
    # guarantee each is as it was when its reading was judged.
    carried = [k.value_id for k in kept.values() if k.value_id is not None]
    values = {v.pk: v for v in Value.objects.filter(pk__in=carried).order_by()}
    recalculations = {
        r.pk: r for found in stored.recalculations(ids, calendar).values() for r in found
    }
    by_pk = calendar.by_pk
    readings = {}
    for indicator in indicators:
        k = kept.get(indicator.pk)
        if k is None:
            continue
        own = {v.pk: v for v in versions.get(indicator.pk, ())}
        drawing = stored.Drawing(k.packed_drawing)
        readings[indicator.pk] = Reading(
            indicator=indicator,
            definition=own[k.version_id] if k.version_id is not None else indicator,
            period=by_pk[k.period_id] if k.period_id is not None else None,
            figure=k.figure,
            figure_shown=k.figure_shown,
            target=k.target,
            lower=k.lower,
            upper=k.upper,
            target_shown=k.target_shown,
            rag=k.rag,
            direction=k.direction,
            comparison=k.comparison,
            comparison_period=by_pk.get(k.comparison_period_id),
            comparison_shown=k.comparison_shown,
            last_year_shown=k.last_year_shown,
            last_year_direction=k.last_year_direction,
            spc=stored.KeptSpc(k.variation, k.assurance, drawing),
            value=values.get(k.value_id),
            series=stored.KeptSeries(drawing, by_pk),
            spc_target=k.spc_target,
            spc_lower=k.spc_lower,
            spc_upper=k.spc_upper,
            spc_cuts=tuple((position, recalculations[r]) for position, r in k.spc_cuts),
            spc_baseline=k.spc_baseline,
            data_quality=k.data_quality,
            trend=k.trend,
        )
    return readings


def indicator_history(
    indicator: Indicator,
    span: Period,
    *,
    today: date,
    council: Council,
    in_force: InForce | None = None,
    deadlines: dict | None = None,
) -> list[Reading]:
    """A reading for every one of the indicator's own periods up to `span` that it was
    reported for (none before its first period, none after a retired one's last), latest
    first: each judged as it was for its own period (its target, definition and deadline).
    `deadlines`, if given, is filled with the data entry deadline of each period."""
    context, versions = _load(
        [indicator],
        span,
        today=today,
        council=council,
        whole=True,
        loaded=in_force,
        with_spc=False,
    )
    if deadlines is not None:
        deadlines.update(context.deadlines)
    kind = Frequency(indicator.frequency).period_kind
    periods = [
        p
        for p in context.calendar.by_kind.get(kind, [])
        if p.ends_on <= span.ends_on and is_reported(indicator, p, versions[indicator.pk])
    ]
    return [
        context.read(indicator, period, versions[indicator.pk], with_spc=False)
        for period in reversed(periods)
    ]


@dataclass(frozen=True)
class Standing:
    """Where an indicator stood in a span, from the version in force for it: that version's
    owner, sets, committees and outcomes (with no version kept, which the domain never
    leaves: its owner today, and no set, committee or outcome).

    Decided from plain rows; `indicator` and `version` (the model objects) are attached only
    for the indicators a caller chose (`in_force`'s `choose`)."""

    indicator_id: int
    owner: OrgUnit
    set_ids: frozenset[int]
    committee_ids: frozenset[int]
    outcome_ids: frozenset[int]
    version_id: int | None = None
    indicator: Indicator | None = None
    version: IndicatorVersion | None = None


@dataclass(frozen=True)
class InForce:
    """The indicators in force in a span that were chosen, each with where it stood; and the
    calendar and their versions, which `read_indicators` reuses for the same span."""

    span: Period
    calendar: _Calendar
    versions: dict[int, list[IndicatorVersion]]
    standings: dict[int, Standing]  # by indicator id, in the order the indicators were given

    @property
    def indicators(self) -> list[Indicator]:
        return [standing.indicator for standing in self.standings.values()]


# What deciding where an indicator stood reads of it and of its versions: plain rows, not
# model objects (a county has thousands of each; a scorecard shows a few hundred).
class _IndicatorRow:
    """An indicator's columns `is_reported` and `definition_in_force` read, with its first
    and last periods."""

    columns = (
        "pk",
        "frequency",
        "lifecycle",
        "effective_from",
        "owner_id",
        "first_period_id",
        "last_period_id",
    )
    __slots__ = (*sorted(columns), "first_period", "last_period")

    def __init__(self, values, periods: dict):
        (
            self.pk,
            self.frequency,
            self.lifecycle,
            self.effective_from,
            self.owner_id,
            self.first_period_id,
            self.last_period_id,
        ) = values
        self.first_period = periods.get(self.first_period_id)
        self.last_period = periods.get(self.last_period_id)


_VersionRow = namedtuple(
    "_VersionRow",
    "pk indicator_id number effective_from owner_id set_ids committee_ids outcome_ids",
)


def _version_rows(ids) -> dict[int, list[_VersionRow]]:
    """The indicators' versions as plain rows. Their links are read as the stored text and
    parsed once for each distinct text (most versions share a handful)."""
    rows = (
        IndicatorVersion.objects.filter(indicator_id__in=ids)
        .order_by()
        .annotate(
            sets_text=Cast("set_ids", TextField()),
            committees_text=Cast("committee_ids", TextField()),
            outcomes_text=Cast("outcome_ids", TextField()),
        )
        .values_list(
            "pk",
            "indicator_id",
            "number",
            "effective_from",
            "owner_id",
            "sets_text",
            "committees_text",
            "outcomes_text",
        )
    )
    parsed: dict[str, tuple] = {}

    def parse(text):
        found = parsed.get(text)
        if found is None:
            found = parsed[text] = tuple(json.loads(text)) if text else ()
        return found

    versions = defaultdict(list)
    for pk, indicator_id, number, effective_from, owner_id, sets, committees, outcomes in rows:
        versions[indicator_id].append(
            _VersionRow(
                pk,
                indicator_id,
                number,
                effective_from,
                owner_id,
                parse(sets),
                parse(committees),
                parse(outcomes),
            )
        )
    return versions


def in_force(indicators, span: Period, *, choose=None) -> InForce:
    """The indicators in force in `span` that `choose` accepts (every one without it), each
    with where it stood: the version in force for it, and that version's owner and links.

    An indicator is in force when any of its own periods making up the span lies within its
    first and last periods. Its version is the one in force at the start of the latest of
    those periods: the same one its reading is judged by.

    `indicators` is a query (read as plain rows to decide, then as model objects only for the
    chosen: six queries, whatever the number of indicators) or a list of model objects (read
    as given, with every one's versions: four queries). Either way the objects are given their
    owners and first and last periods from the units and periods read once, rather than
    joined to every row.
    """
    periods = list(Period.objects.all())
    every_period = {p.pk: p for p in periods}
    calendar = _Calendar([p for p in periods if p.starts_on <= span.ends_on])
    units = _units()
    given = isinstance(indicators, list | tuple)
    if given:
        rows = list(indicators)
        for indicator in rows:
            _attach(indicator, units, every_period)
        versions = _versions([i.pk for i in rows], units=units)
        version_rows = versions
    else:
        columns = _IndicatorRow.columns
        rows = [_IndicatorRow(v, every_period) for v in indicators.values_list(*columns)]
        version_rows = _version_rows([r.pk for r in rows])
    standings = {}
    natives_of = {}  # by frequency: the same for every indicator
    for row in rows:
        own = version_rows.get(row.pk, [])
        natives = natives_of.get(row.frequency)
        if natives is None:
            natives = natives_of[row.frequency] = calendar.native_periods(row.frequency, span)
        reported = [p for p in natives if is_reported(row, p, own)]
        if not reported:
            continue
        version = definition_in_force(row, reported[-1].starts_on, own) if own else None
        standing = _standing(row, version, units)
        if choose is None or choose(standing):
            standings[row.pk] = standing
    if given:
        return InForce(span, calendar, versions, standings)
    # The model objects, for the chosen only.
    chosen = list(standings)
    objects = indicators.filter(pk__in=chosen).in_bulk() if chosen else {}
    versions = _versions(chosen, units=units) if chosen else defaultdict(list)
    by_pk = {v.pk: v for own in versions.values() for v in own}
    for pk, standing in standings.items():
        indicator = objects[pk]
        _attach(indicator, units, every_period)
        standings[pk] = replace(
            standing, indicator=indicator, version=by_pk.get(standing.version_id)
        )
    return InForce(span, calendar, versions, standings)


def _standing(indicator, version, units: dict) -> Standing:
    """Where an indicator (object or row) stood, by `version` (object, row or None)."""
    owner_id = indicator.owner_id
    if version is not None and version.owner_id is not None:
        owner_id = version.owner_id
    return Standing(
        indicator_id=indicator.pk,
        owner=units[owner_id],
        set_ids=frozenset(version.set_ids if version is not None else ()),
        committee_ids=frozenset(version.committee_ids if version is not None else ()),
        outcome_ids=frozenset(version.outcome_ids if version is not None else ()),
        version_id=version.pk if version is not None else None,
        indicator=indicator if isinstance(indicator, Indicator) else None,
        version=version if isinstance(version, IndicatorVersion) else None,
    )


def _units() -> dict[int, OrgUnit]:
    """Every unit, each with its parent (one query: a council has tens of them)."""
    units = {unit.pk: unit for unit in OrgUnit.objects.all()}
    for unit in units.values():
        if unit.parent_id is not None:
            unit.parent = units[unit.parent_id]
    return units


def _attach(indicator: Indicator, units: dict, periods: dict) -> None:
    """Give an indicator its owner (with the owner's parent) and its first and last periods,
    unless it was read with them."""
    if not Indicator.owner.is_cached(indicator):
        indicator.owner = units[indicator.owner_id]
    for name in ("first_period", "last_period"):
        pk = getattr(indicator, f"{name}_id")
        if pk is not None and not getattr(Indicator, name).is_cached(indicator):
            setattr(indicator, name, periods[pk])


def _versions(ids, *, units: dict | None = None) -> dict[int, list[IndicatorVersion]]:
    """Every kept version of the indicators; with `units`, each with its owner from them (to
    place it in a directorate)."""
    versions = defaultdict(list)
    for version in IndicatorVersion.objects.filter(indicator_id__in=ids):
        if units is not None and version.owner_id is not None:
            version.owner = units[version.owner_id]
        versions[version.indicator_id].append(version)
    return versions


def figure_period_label(reading: Reading, span: Period | None) -> str:
    """The figure's period: the report's quarter or year itself when the figure is made from
    the months (or quarters) inside it; a snapshot says which one it was taken at. An annual
    figure in a quarterly report keeps its year."""
    own = reading.period
    if own is None:
        return ""
    if span is None or FINENESS[PeriodKind(own.kind)] >= FINENESS[PeriodKind(span.kind)]:
        return own.label
    if Aggregation(reading.definition.aggregation) is Aggregation.snapshot:
        return f"{span.label} (at {own.label})"
    return span.label


def _load(
    indicators, span, *, today, council, proposed=None, whole=False, loaded=None, with_spc=True
):
    """Everything the readings need, in six queries. `whole` keeps every period's values and
    targets as objects (for one indicator's history), not just the span's."""
    ids = [i.pk for i in indicators]
    if loaded is not None:  # an InForce for the same span: its calendar and versions
        calendar = loaded.calendar
    else:
        calendar = _Calendar(list(Period.objects.filter(starts_on__lte=span.ends_on)))
    signed_off = Value.objects.filter(indicator_id__in=ids, state__in=SIGNED_OFF_STATES)
    # Every figure for the series, as plain tuples (thousands of rows: no model instances),
    # with the data quality of those that are not final …
    figures: dict[tuple[int, int], Decimal] = {}
    qualities: dict[tuple[int, int], str] = {}
    for indicator_id, period_id, figure, quality in signed_off.filter(
        period__ends_on__lte=span.ends_on, figure__isnull=False
    ).values_list("indicator_id", "period_id", "figure", "data_quality"):
        figures[indicator_id, period_id] = figure
        if quality != Quality.final:
            qualities[indicator_id, period_id] = quality
    # … and whole values (with their commentary) only for the periods inside the span.
    in_span, last_year = _span_and_last_year(span, whole=whole)
    values: dict[tuple[int, int], Value] = {
        (value.indicator_id, value.period_id): value
        for value in _span_values(ids, span, whole=whole)
    }
    for indicator_id, figure in (proposed or {}).items():
        figures.pop((indicator_id, span.pk), None)
        qualities.pop((indicator_id, span.pk), None)
        if figure is not None:
            figures[indicator_id, span.pk] = figure
    # Targets for the span's own periods, and for the financial years around it (annual
    # targets live on the year, which may end after the span).
    year_around = Q(
        period__kind=PeriodKind.financial_year,
        period__starts_on__lte=span.ends_on,
        period__ends_on__gte=span.ends_on,
    )
    # … and for the latest point of each series and the periods holding it, which assurance
    # compares with when the span's own figure is not in.
    latest_points = _latest_points(figures, calendar)
    assurance_periods = {
        holder.pk
        for period in latest_points.values()
        for holder in (period, *calendar.holding(period))
    }
    targets = {
        (t.indicator_id, t.period_id): t
        for t in Target.objects.filter(
            in_span | last_year | year_around | Q(period_id__in=assurance_periods),
            indicator_id__in=ids,
        )
        .order_by()
        .defer("rationale")
    }
    deadlines = dict(
        ReportingCycle.objects.filter(period__ends_on__lte=span.ends_on).values_list(
            "period_id", "data_entry_deadline"
        )
    )
    versions = loaded.versions if loaded is not None else _versions(ids)
    recalculations = stored.recalculations(ids, calendar) if with_spc else {}
    context = _Context(
        calendar, figures, values, targets, deadlines, today, council, recalculations
    )
    context.qualities = qualities
    return context, versions


def _span_and_last_year(span: Period, *, whole: bool = False) -> tuple[Q, Q]:
    """The periods inside the span (every one up to its end, with `whole`); and the last
    year, whose figure an annual indicator on a quarterly scorecard shows."""
    in_span = Q(period__starts_on__gte=span.starts_on, period__ends_on__lte=span.ends_on)
    if whole:
        in_span = Q(period__ends_on__lte=span.ends_on)
    last_year = Q(
        period__kind=PeriodKind.financial_year,
        period__ends_on__lte=span.ends_on,
        period__ends_on__gt=span.ends_on - timedelta(days=366),
    )
    return in_span, last_year


def _span_values(ids, span: Period, *, whole: bool = False):
    """The signed-off values (with their commentary) a reading for the span may carry."""
    in_span, last_year = _span_and_last_year(span, whole=whole)
    return (
        Value.objects.filter(indicator_id__in=ids, state__in=SIGNED_OFF_STATES)
        .filter(in_span | last_year)
        .order_by()
    )


def _latest_points(figures: dict, calendar: _Calendar) -> dict[int, Period]:
    """Each indicator's latest period with a figure."""
    latest: dict[int, Period] = {}
    for indicator_id, period_id in figures:
        period = calendar.by_pk.get(period_id)
        if period is None:
            continue
        best = latest.get(indicator_id)
        if best is None or (period.ends_on, -period.starts_on.toordinal()) > (
            best.ends_on,
            -best.starts_on.toordinal(),
        ):
            latest[indicator_id] = period
    return latest


@dataclass
class _Context:
    calendar: _Calendar
    figures: dict
    values: dict
    targets: dict
    deadlines: dict
    today: date
    council: Council
    recalculations: dict  # indicator id → its current SPC recalculation points, in order
    qualities: dict = field(default_factory=dict)  # (indicator, period) → quality, if not final

    def figure_for(self, indicator: Indicator, aggregation, natives: list[Period]):
        if not natives or (indicator.pk, natives[-1].pk) not in self.figures:
            return None
        in_order = [self.figures.get((indicator.pk, p.pk)) for p in natives]
        return period_rules.year_value(in_order, aggregation)

    def target_for(self, indicator: Indicator, aggregation, natives: list[Period], span):
        """The target row that applies, and its value for the span."""
        if not natives:
            return None, None
        own = [self.targets.get((indicator.pk, p.pk)) for p in natives]
        last = own[-1]
        if Aggregation(aggregation) is Aggregation.sum and len(natives) > 1:
            if any(t is None or t.value is None for t in own):
                return last, None
            return last, sum((t.value for t in own), Decimal(0))
        if last is not None:
            return last, last.value
        if Aggregation(aggregation) in (Aggregation.snapshot, Aggregation.average):
            # An annual target applies to each period of a snapshot or average indicator.
            year = natives[-1].financial_year_id or natives[-1].pk
            annual = self.targets.get((indicator.pk, year))
            if annual is not None:
                return annual, annual.value
        return None, None

    def read(self, indicator: Indicator, span: Period, versions, with_spc=True) -> Reading:
        natives = self.calendar.reported_periods(indicator, span, versions)
        definition = (
            definition_in_force(indicator, natives[-1].starts_on, versions)
            if natives and versions
            else None
        ) or indicator
        polarity = Polarity(definition.polarity)
        aggregation = Aggregation(definition.aggregation)
        precision, unit = definition.precision, definition.unit

        figure = self.figure_for(indicator, aggregation, natives)
        target_row, target = self.target_for(indicator, aggregation, natives, span)
        lower = target_row.lower if target_row else None
        upper = target_row.upper if target_row else None

        comparison = comparison_for(
            aggregation=aggregation,
            seasonal=indicator.is_seasonal,
            setting=Comparison(definition.comparison) if definition.comparison else None,
        )
        other_span = self.calendar.shifted(span, comparison)
        other_natives = (
            self.calendar.native_periods(indicator.frequency, other_span) if other_span else []
        )
        # An annual indicator on a quarterly scorecard compares with the year before.
        if natives and other_natives and other_natives[-1].pk == natives[-1].pk:
            previous_year = self.calendar.shifted(natives[-1], Comparison.previous_period)
            other_natives = [previous_year] if previous_year else []
        previous = self.figure_for(indicator, aggregation, other_natives)
        last_year_span = self.calendar.shifted(span, Comparison.same_period_last_year)
        last_year = (
            previous
            if comparison is Comparison.same_period_last_year
            else self.figure_for(
                indicator,
                aggregation,
                self.calendar.native_periods(indicator.frequency, last_year_span)
                if last_year_span
                else [],
            )
        )

        rag = value_status(
            value=figure,
            target=target,
            polarity=polarity,
            precision=precision,
            tolerance=_tolerance(target_row, definition, self.council),
            lower=lower,
            upper=upper,
            deadline=self.deadlines.get(natives[-1].pk) if natives else None,
            today=self.today,
            rule=RagRule(self.council.rag_rule),
            last_year_value=last_year,
        )
        direction = direction_of_travel(
            current=figure,
            previous=previous,
            polarity=polarity,
            precision=precision,
            lower=lower,
            upper=upper,
        )
        last_year_direction = direction_of_travel(
            current=figure,
            previous=last_year,
            polarity=polarity,
            precision=precision,
            lower=lower,
            upper=upper,
        )
        series = self.series(indicator, aggregation, natives) if with_spc else []
        cuts = self.cuts(indicator, series)
        spc_target_row, longer_only = self.assurance_target(indicator, aggregation, series)
        spc_target = spc_target_row.value if spc_target_row else None
        spc_lower = spc_target_row.lower if spc_target_row else None
        spc_upper = spc_target_row.upper if spc_target_row else None
        baseline = self.baseline(indicator, series, cuts)
        spc = spc_reading(
            [figure for _, figure in series],
            polarity,
            target=spc_target,
            lower=spc_lower,
            upper=spc_upper,
            baseline=baseline,
            cuts=[position for position, _ in cuts],
            longer_period_only=longer_only,
        )
        return Reading(
            indicator=indicator,
            definition=definition,
            period=natives[-1] if natives else None,
            figure=figure,
            figure_shown=format_value(figure, precision, unit) if figure is not None else "",
            target=target,
            lower=lower,
            upper=upper,
            target_shown=_target_text(target, lower, upper, polarity, precision, unit),
            rag=rag,
            direction=direction,
            comparison=comparison,
            comparison_period=other_natives[-1] if other_natives else None,
            comparison_shown=format_value(previous, precision, unit)
            if previous is not None
            else "",
            last_year_shown=format_value(last_year, precision, unit)
            if last_year is not None
            else "",
            last_year_direction=last_year_direction,
            spc=spc,
            value=self.values.get((indicator.pk, natives[-1].pk)) if natives else None,
            series=tuple(series),
            spc_target=spc_target,
            spc_lower=spc_lower,
            spc_upper=spc_upper,
            spc_cuts=tuple(cuts),
            spc_baseline=baseline,
            data_quality=self.quality_for(indicator, aggregation, natives),
        )

    def quality_for(self, indicator: Indicator, aggregation, natives: list[Period]) -> Quality:
        """The quality of the figure `figure_for` makes from the same periods (docs/status-rules.md,
        "Data quality"): a quarter summed from months is provisional if any month is."""
        if self.figure_for(indicator, aggregation, natives) is None:
            return Quality.final
        in_order = [
            self.qualities.get(key, Quality.final) if key in self.figures else None
            for key in ((indicator.pk, p.pk) for p in natives)
        ]
        return figure_quality(in_order, aggregation)

    def series(self, indicator: Indicator, aggregation, natives) -> list[tuple[Period, Decimal]]:
        """The indicator's own signed-off figures up to the span, for SPC and sparklines.

        Year-to-date figures only compare like with like, so a cumulative indicator's
        series is the same point in each year.
        """
        if not natives:
            return []
        kind = Frequency(indicator.frequency).period_kind
        own = [p for p in self.calendar.by_kind.get(kind, []) if p.ends_on <= natives[-1].ends_on]
        if aggregation is Aggregation.cumulative:
            own = [p for p in own if p.starts_on.month == natives[-1].starts_on.month]
        return [
            (p, self.figures[indicator.pk, p.pk])
            for p in own
            if (indicator.pk, p.pk) in self.figures
        ]

    def baseline(self, indicator: Indicator, series, cuts=()) -> tuple[int, int] | None:
        """The indicator's SPC baseline as positions in the series (None: all points). A
        baseline that would cross a recalculation point is not used (STATUS-RULES: refused)."""
        positions = {p.pk: i for i, (p, _) in enumerate(series)}
        start = positions.get(indicator.spc_baseline_start_id)
        if start is None:
            return None
        end = positions.get(indicator.spc_baseline_end_id, len(series) - 1)
        if end <= start or any(start < cut <= end for cut, _ in cuts):
            return None
        return start, end

    def cuts(self, indicator: Indicator, series) -> list[tuple[int, SpcRecalculation]]:
        """Each recalculation point as the position of the first point of its phase: the
        first figure on or after its period. One at or before the first figure, or after
        the last, cuts nothing."""
        cuts = []
        for recalculation in self.recalculations.get(indicator.pk, ()):
            starts = recalculation.period.starts_on
            position = next(
                (i for i, (period, _) in enumerate(series) if period.starts_on >= starts), None
            )
            if position and (not cuts or position > cuts[-1][0]):
                cuts.append((position, recalculation))
        return cuts

    def assurance_target(self, indicator: Indicator, aggregation, series):
        """The target row assurance compares with: the latest point's own period's, else
        (snapshot and average only) the quarter's or year's holding it. Also whether only a
        longer period's target exists, which a sum or cumulative cannot use."""
        if not series:
            return None, False
        point = series[-1][0]
        own = self.targets.get((indicator.pk, point.pk))
        longer = next(
            (
                self.targets[indicator.pk, holder.pk]
                for holder in self.calendar.holding(point)
                if (indicator.pk, holder.pk) in self.targets
            ),
            None,
        )
        chosen = target_for_assurance(_set(own), _set(longer), aggregation)
        return chosen, chosen is None and _set(longer) is not None


def _set(target: Target | None) -> Target | None:
    """A target row that sets something (a value, or both ends of a range)."""
    if target is None:
        return None
    has_range = target.lower is not None and target.upper is not None
    return target if target.value is not None or has_range else None


def _target_text(target, lower, upper, polarity, precision, unit) -> str:
    if polarity is Polarity.in_range:
        if lower is None or upper is None:
            return ""
        return f"{format_value(lower, precision, unit)} to {format_value(upper, precision, unit)}"
    if target is None or polarity is Polarity.neither:
        return ""
    return format_value(target, precision, unit)
