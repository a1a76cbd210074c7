"""Every statistic published for the council's own area, and where it stands in a comparator
group on each: "Oflog's metrics for our council" without linking anything first.

These are the publishers' figures for our area (by `Council.ons_code`), not our own returns:
the council's own figures appear only where an indicator is linked (`compared`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from status.benchmark import BenchmarkPosition, benchmark_position

from .compared import quartile_label
from .models import Area, ComparatorGroup, ExternalValue, Metric
from .queries import shown


@dataclass(frozen=True)
class PublishedPosition:
    metric: Metric
    period: str
    figure: str  # ours, as published
    position: BenchmarkPosition

    @property
    def quartile(self) -> str:
        return quartile_label(self.position.quartile)


@dataclass(frozen=True)
class OurStatistics:
    area: Area | None
    by_source: list[tuple[str, list[PublishedPosition]]]  # (source, positions) by source

    @property
    def count(self) -> int:
        return sum(len(positions) for _source, positions in self.by_source)


def our_statistics(council, group: ComparatorGroup | None) -> OurStatistics:
    """Each ranked metric's latest period with a figure for our area, and our position in
    `group` then. Five queries, whatever the number of metrics, periods and members."""
    area = Area.objects.filter(gss_code=council.ons_code).first() if council.ons_code else None
    if area is None or group is None:
        return OurStatistics(area, [])
    latest: dict[int, tuple] = {}
    for metric_pk, period, end, value in ExternalValue.objects.filter(
        area=area, value__isnull=False, metric__is_contextual=False
    ).values_list("metric_id", "period", "period_end", "value"):
        if metric_pk not in latest or (end, period) > latest[metric_pk][:2]:
            latest[metric_pk] = (end, period, value)
    if not latest:
        return OurStatistics(area, [])
    metrics = Metric.objects.in_bulk(list(latest))
    members = set(group.members.values_list("pk", flat=True)) - {area.pk}
    others: dict[int, list[Decimal]] = defaultdict(list)
    for metric_pk, period, value in ExternalValue.objects.filter(
        metric__in=list(latest),
        area__in=members,
        value__isnull=False,
        period__in={period for _end, period, _value in latest.values()},
    ).values_list("metric_id", "period", "value"):
        if period == latest[metric_pk][1]:
            others[metric_pk].append(value)
    by_source: dict[str, list[PublishedPosition]] = defaultdict(list)
    for metric_pk, (_end, period, ours) in latest.items():
        metric = metrics[metric_pk]
        position = benchmark_position(
            value=ours, group_values=[*others[metric_pk], ours], polarity=metric.polarity
        )
        by_source[f"{metric.source}, {metric.publisher}"].append(
            PublishedPosition(metric, period, shown(metric, ours), position)
        )
    return OurStatistics(
        area,
        [
            (source, sorted(positions, key=lambda p: p.metric.code))
            for source, positions in sorted(by_source.items())
        ],
    )
