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
    latest_of_length: dict[datetime.timedelta, Quartile | None] = {}
    for label in sorted(by_period, key=lambda label: (spans[label], label)):
        figures = by_period[label]
        if area.pk not in figures:
            continue
        now = benchmark_position(
            value=figures[area.pk], group_values=figures.values(), polarity=metric.polarity
        )
        start, end = spans[label]
        before = latest_of_length.get(end - start)
        improving = None
        if now.quartile is not None and before is not None:
            improving = QUARTILE_ORDER.index(now.quartile) > QUARTILE_ORDER.index(before)
        latest_of_length[end - start] = now.quartile
        positions.append(PeriodPosition(label, figures[area.pk], now, improving))
    return positions
