"""Where a council stands among its comparator group, for one period or every period.

The rules are `status.benchmark`'s (percentiles by QUARTILE.INC, quartile best first, rank r
of n); this module only fetches the figures, in one query whatever the number of periods or
members.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from status.benchmark import BenchmarkPosition, Quartile, benchmark_position

from .models import Area, ComparatorGroup, ExternalValue, Metric

QUARTILE_ORDER = [Quartile.bottom, Quartile.lower_middle, Quartile.upper_middle, Quartile.top]


@dataclass(frozen=True)
class PeriodPosition:
    period: str
    value: Decimal
    position: BenchmarkPosition
    is_improving: bool | None  # quartile better than the period before; None without both


def _length(start: datetime.date, end: datetime.date) -> int:
    """A period's length in months: a leap year is as long as any other year."""
    return (end.year - start.year) * 12 + end.month - start.month


def _group_values(metric: Metric, group: ComparatorGroup, area: Area, period: str | None):
    # STATUS-RULES: the council's own value is part of its group, even if it is not a member.
    in_group = Q(area__in=group.members.values("pk")) | Q(area=area)
    values = ExternalValue.objects.filter(in_group, metric=metric, value__isnull=False)
    if period is not None:
        values = values.filter(period=period)
    by_period: dict[str, dict[int, Decimal]] = defaultdict(dict)
    spans: dict[str, tuple] = {}
    for label, start, end, area_pk, value in values.values_list(
        "period", "period_start", "period_end", "area_id", "value"
    ):
        by_period[label][area_pk] = value
        spans[label] = (start, end)
    return by_period, spans


def position(
    metric: Metric, period: str, group: ComparatorGroup, area: Area
) -> BenchmarkPosition | None:
    """The area's position in its group for one period; None if it has no figure then."""
    by_period, _ = _group_values(metric, group, area, period)
    figures = by_period.get(period, {})
    if area.pk not in figures:
        return None
    return benchmark_position(
        value=figures[area.pk], group_values=figures.values(), polarity=metric.polarity
    )


def positions_over_time(metric: Metric, group: ComparatorGroup, area: Area) -> list[PeriodPosition]:
    """The area's position in every period it has a figure, oldest first."""
    by_period, spans = _group_values(metric, group, area, None)
    positions: list[PeriodPosition] = []
    # Improving is judged against the latest earlier period of the same length, so a
    # three-year aggregate (LGBF's 2017/20) is compared with the one before it, not a year.
    latest_of_length: dict[int, Quartile | None] = {}
    for label in sorted(by_period, key=lambda label: (spans[label], label)):
        figures = by_period[label]
        if area.pk not in figures:
            continue
        now = benchmark_position(
            value=figures[area.pk], group_values=figures.values(), polarity=metric.polarity
        )
        start, end = spans[label]
        before = latest_of_length.get(_length(start, end))
        improving = None
        if now.quartile is not None and before is not None:
            improving = QUARTILE_ORDER.index(now.quartile) > QUARTILE_ORDER.index(before)
        latest_of_length[_length(start, end)] = now.quartile
        positions.append(PeriodPosition(label, figures[area.pk], now, improving))
    return positions


# The council's own figure among the published ones ------------------------------------------

OWN_FIGURE = "our own figure"
AS_PUBLISHED = "as published by {publisher}"


@dataclass(frozen=True)
class OurPosition(PeriodPosition):
    is_own: bool  # our own signed-off year value, not the published figure for our area
    figure_source: str  # "our own figure" or "as published by …"
    group_values: dict  # area pk (None for us) → figure, for the chart and the table
    ends_on: datetime.date | None = None  # the published period's last day
    is_joint: bool = False  # another council's figure is the same as ours: a shared rank


def _own_year_values(indicators) -> dict[int, dict[int, Decimal]]:
    """Each indicator's signed-off year value for each financial year whose last period is
    in (as the scorecards take it), keyed by indicator pk, then by the year's first calendar
    year. One query, whatever the number of indicators."""
    from indicators.models import SIGNED_OFF_STATES, Frequency, Value
    from status import periods as rules

    kinds = {
        indicator.pk: str(Frequency(indicator.frequency).period_kind) for indicator in indicators
    }
    figures: dict[int, dict] = defaultdict(dict)
    for indicator_pk, kind, starts_on, figure in Value.objects.filter(
        indicator__in=list(kinds), state__in=SIGNED_OFF_STATES, figure__isnull=False
    ).values_list("indicator_id", "period__kind", "period__starts_on", "figure"):
        if kind == kinds[indicator_pk]:
            figures[indicator_pk][starts_on] = figure
    in_year = {
        "month": rules.months_of,
        "quarter": rules.quarters_of,
        "financial_year": lambda year: [rules.financial_year(year)],
    }
    own: dict[int, dict[int, Decimal]] = {}
    for indicator in indicators:
        found = figures.get(indicator.pk, {})
        years: dict[int, Decimal] = {}
        for year in {rules.financial_year_start(start) for start in found}:
            natives = [span.start for span in in_year[kinds[indicator.pk]](year)]
            if natives[-1] not in found:
                continue  # STATUS-RULES: the year's value waits for its last period
            value = rules.year_value([found.get(start) for start in natives], indicator.aggregation)
            if value is not None:
                years[year] = value
        own[indicator.pk] = years
    return own


def _own_year_for(start: datetime.date, end: datetime.date, metric: Metric) -> int | None:
    """The financial year a published period is, when it is exactly one."""
    from status import periods as rules

    if metric.period_type != "financial_year":
        return None
    year = rules.financial_year(rules.financial_year_start(start))
    return year.start.year if (year.start, year.end) == (start, end) else None


def links_positions(links, *, council) -> dict[int, list[OurPosition]]:
    """The council's position in each link's group for every published period, oldest
    first, by link pk. Select each link's metric, group and indicator with it.

    Our figure is our own signed-off year value for that financial year when we have one,
    else the figure published for our area (`Council.ons_code`); it replaces our area's
    published figure in the group, never counted twice. A period with neither has no
    position. Four queries, however many links, periods and members.
    """
    links = list(links)
    if not links:
        return {}
    area = Area.objects.filter(gss_code=council.ons_code).first() if council.ons_code else None
    members: dict[int, set[int]] = defaultdict(set)
    for group_pk, area_pk in ComparatorGroup.members.through.objects.filter(
        comparatorgroup_id__in={link.group_id for link in links}
    ).values_list("comparatorgroup_id", "area_id"):
        members[group_pk].add(area_pk)
    wanted = set().union(*members.values()) | ({area.pk} if area is not None else set())
    by_metric: dict[int, dict[str, dict[int, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    spans: dict[tuple[int, str], tuple] = {}
    for metric_pk, label, start, end, area_pk, value in ExternalValue.objects.filter(
        metric__in={link.metric_id for link in links}, area__in=wanted, value__isnull=False
    ).values_list("metric_id", "period", "period_start", "period_end", "area_id", "value"):
        by_metric[metric_pk][label][area_pk] = value
        spans[metric_pk, label] = (start, end)
    own = _own_year_values([link.indicator for link in links])
    return {
        link.pk: _positions(
            link.metric,
            {
                label: {pk: v for pk, v in figures.items() if pk in members[link.group_id]}
                | ({area.pk: figures[area.pk]} if area is not None and area.pk in figures else {})
                for label, figures in by_metric[link.metric_id].items()
            },
            {label: spans[link.metric_id, label] for label in by_metric[link.metric_id]},
            area,
            own[link.indicator_id],
        )
        for link in links
    }


def _positions(metric, by_period, spans, area, own) -> list[OurPosition]:
    positions: list[OurPosition] = []
    latest_of_length: dict[int, Quartile | None] = {}
    for label in sorted(by_period, key=lambda label: (spans[label], label)):
        start, end = spans[label]
        figures = dict(by_period[label])
        published = figures.pop(area.pk, None) if area is not None else None
        year = _own_year_for(start, end, metric)
        if year is not None and year in own:
            ours, is_own, said = own[year], True, OWN_FIGURE
        elif published is not None:
            ours, is_own, said = published, False, AS_PUBLISHED.format(publisher=metric.publisher)
        else:
            continue
        figures[None] = ours  # STATUS-RULES: the council's own value is part of its group
        now = benchmark_position(
            value=ours, group_values=figures.values(), polarity=metric.polarity
        )
        before = latest_of_length.get(_length(start, end))
        improving = None
        if now.quartile is not None and before is not None:
            improving = QUARTILE_ORDER.index(now.quartile) > QUARTILE_ORDER.index(before)
        latest_of_length[_length(start, end)] = now.quartile
        joint = sum(1 for value in figures.values() if value == ours) > 1
        positions.append(
            OurPosition(label, ours, now, improving, is_own, said, figures, end, is_joint=joint)
        )
    return positions


def group_figures(link, position: OurPosition, *, council) -> dict:
    """The group's figures behind one of a link's positions, which kept positions leave out:
    each member's published figure for the position's period, with ours (`position.value`)
    in place of our area's, as `links_positions` gives them. Two queries."""
    area = Area.objects.filter(gss_code=council.ons_code).first() if council.ons_code else None
    in_group = Q(area__in=link.group.members.values("pk"))
    if area is not None:
        in_group |= Q(area=area)
    figures = dict(
        ExternalValue.objects.filter(
            in_group, metric=link.metric_id, period=position.period, value__isnull=False
        ).values_list("area_id", "value")
    )
    if area is not None:
        figures.pop(area.pk, None)
    figures[None] = position.value
    return figures


def indicator_positions(link, *, council) -> list[OurPosition]:
    """The council's position in one link's group for every published period, oldest first
    (`links_positions`)."""
    return links_positions([link], council=council)[link.pk]
