"""Judging indicators for a period: one reading per indicator, in a fixed number of queries.

A reading brings together the signed-off figure, its target and tolerance, the comparison
figure and the series for SPC, and asks the status package for RAG, direction and SPC.
Drafts and figures awaiting sign-off never reach a reading.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q

from indicators.definitions import definition_in_force
from indicators.models import (
    SIGNED_OFF_STATES,
    Frequency,
    Indicator,
    IndicatorVersion,
    Period,
    ReportingCycle,
    Target,
    Value,
)
from indicators.periods import span_of
from organisation.models import Council
from status import periods as period_rules
from status.direction import Comparison, Direction, comparison_for, direction_of_travel
from status.numbers import format_value
from status.periods import Aggregation, PeriodKind
from status.rag import Polarity, Rag, RagRule, Tolerance, value_status
from status.spc import SpcReading, spc_reading

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
    spc: SpcReading
    value: Value | None  # the signed-off value carrying the commentary
    series: tuple[tuple[Period, Decimal], ...]


class _Calendar:
    """All periods up to the scorecard's end, indexed by kind and code."""

    def __init__(self, periods: list[Period]):
        self.by_code = {(p.kind, p.code): p for p in periods}
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
) -> dict[int, Reading]:
    """Readings for `indicators` for the scorecard period `span` (six queries).

    `proposed` maps indicator ids to figures an officer is entering for `span` itself: the
    readings then say what status those figures would get once signed off.
    """
    context, versions = _load(indicators, span, today=today, council=council, proposed=proposed)
    return {
        indicator.pk: context.read(indicator, span, versions[indicator.pk])
        for indicator in indicators
    }


def indicator_history(
    indicator: Indicator, span: Period, *, today: date, council: Council
) -> list[Reading]:
    """A reading for every one of the indicator's own periods up to `span`, latest first:
    each judged as it was for its own period (its target, its definition, its deadline)."""
    context, versions = _load([indicator], span, today=today, council=council, whole=True)
    kind = Frequency(indicator.frequency).period_kind
    periods = [p for p in context.calendar.by_kind.get(kind, []) if p.ends_on <= span.ends_on]
    return [
        context.read(indicator, period, versions[indicator.pk], with_spc=False)
        for period in reversed(periods)
    ]


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


def _load(indicators, span, *, today, council, proposed=None, whole=False):
    """Everything the readings need, in six queries. `whole` keeps every period's values and
    targets as objects (for one indicator's history), not just the span's."""
    ids = [i.pk for i in indicators]
    calendar = _Calendar(list(Period.objects.filter(starts_on__lte=span.ends_on)))
    signed_off = Value.objects.filter(indicator_id__in=ids, state__in=SIGNED_OFF_STATES)
    # Every figure for the series, as plain tuples (thousands of rows: no model instances) …
    figures: dict[tuple[int, int], Decimal] = {
        (indicator_id, period_id): figure
        for indicator_id, period_id, figure in signed_off.filter(
            period__ends_on__lte=span.ends_on, figure__isnull=False
        ).values_list("indicator_id", "period_id", "figure")
    }
    # … and whole values (with their commentary) only for the periods inside the span.
    in_span = Q(period__starts_on__gte=span.starts_on, period__ends_on__lte=span.ends_on)
    if whole:
        in_span = Q(period__ends_on__lte=span.ends_on)
    # Annual indicators on a quarterly scorecard show the last year's value.
    last_year = Q(
        period__kind=PeriodKind.financial_year,
        period__ends_on__lte=span.ends_on,
        period__ends_on__gt=span.ends_on - timedelta(days=366),
    )
    values: dict[tuple[int, int], Value] = {
        (value.indicator_id, value.period_id): value
        for value in signed_off.filter(in_span | last_year).order_by()
    }
    for indicator_id, figure in (proposed or {}).items():
        figures.pop((indicator_id, span.pk), None)
        if figure is not None:
            figures[indicator_id, span.pk] = figure
    # Targets for the span's own periods, and for the financial years around it (annual
    # targets live on the year, which may end after the span).
    year_around = Q(
        period__kind=PeriodKind.financial_year,
        period__starts_on__lte=span.ends_on,
        period__ends_on__gte=span.ends_on,
    )
    targets = {
        (t.indicator_id, t.period_id): t
        for t in Target.objects.filter(in_span | last_year | year_around, indicator_id__in=ids)
        .order_by()
        .defer("rationale")
    }
    deadlines = dict(
        ReportingCycle.objects.filter(period__ends_on__lte=span.ends_on).values_list(
            "period_id", "data_entry_deadline"
        )
    )
    versions = defaultdict(list)
    for version in IndicatorVersion.objects.filter(indicator_id__in=ids):
        versions[version.indicator_id].append(version)
    return _Context(calendar, figures, values, targets, deadlines, today, council), versions


@dataclass
class _Context:
    calendar: _Calendar
    figures: dict
    values: dict
    targets: dict
    deadlines: dict
    today: date
    council: Council

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
        natives = self.calendar.native_periods(indicator.frequency, span)
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
        spc = spc_reading(
            [figure for _, figure in series],
            polarity,
            target=target,
            lower=lower,
            upper=upper,
            baseline=self.baseline(indicator, series),
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
        )

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

    def baseline(self, indicator: Indicator, series) -> tuple[int, int] | None:
        """The indicator's SPC baseline as positions in the series (None: all points)."""
        positions = {p.pk: i for i, (p, _) in enumerate(series)}
        start = positions.get(indicator.spc_baseline_start_id)
        if start is None:
            return None
        end = positions.get(indicator.spc_baseline_end_id, len(series) - 1)
        return (start, end) if end >= start else None


def _target_text(target, lower, upper, polarity, precision, unit) -> str:
    if polarity is Polarity.in_range:
        if lower is None or upper is None:
            return ""
        return f"{format_value(lower, precision, unit)} to {format_value(upper, precision, unit)}"
    if target is None or polarity is Polarity.neither:
        return ""
    return format_value(target, precision, unit)
