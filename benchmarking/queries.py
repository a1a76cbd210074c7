"""What the benchmarking pages and the indicator page's panel need: the council's figure
among its comparator group, ranked best first, with the source and licence beside it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import Q

from charts import ranks
from charts.bars import comparison_bars
from status.benchmark import BenchmarkPosition, Quartile, benchmark_position
from status.numbers import format_value
from status.polarity import Polarity

from .kept import latest_positions
from .models import Area, BenchmarkLink, ComparatorGroup, ExternalValue, GroupKind, Metric
from .positions import AS_PUBLISHED, OurPosition, group_figures

# Markers are kept as published; pages say what they mean, never show them as 0.
MARKER_WORDS = {":": "not available", "..": "not available", "[x]": "not available"}
SUPPRESSED_MARKERS = frozenset({"[c]", "[z]", "[u]", "*"})
NOT_PUBLISHED = "not published"


def marker_words(marker: str | None) -> str:
    if marker is None or not marker.strip():
        return NOT_PUBLISHED
    if marker.strip().lower() in SUPPRESSED_MARKERS:
        return "suppressed"
    return MARKER_WORDS.get(marker.strip(), "not available")


def quartile_words(position: BenchmarkPosition) -> str:
    if position.quartile is None:
        return "No quartile (no better direction)"
    return f"{Quartile(position.quartile).label} quartile"


def improving_words(improving: bool | None) -> str:
    if improving is None:
        return "Not known (no earlier position of the same length)"
    return "Yes, a better quartile than the period before" if improving else "No"


def best_first(polarity: str):
    """Sort key for (value, …): best first, by the metric's polarity."""
    if polarity == Polarity.lower_is_better:
        return lambda value: value
    return lambda value: -value


def shown(metric: Metric, value: Decimal) -> str:
    return format_value(value, metric.precision, metric.unit)


@dataclass(frozen=True)
class Row:
    rank: int | None
    name: str
    code: str
    value: Decimal | None
    figure: str  # the figure as shown, or what was published instead, in words
    is_us: bool
    note: str = ""


def _chart(metric: Metric, title: str, rows: list[Row], position: BenchmarkPosition | None):
    items = [(row.name, row.value, row.is_us) for row in rows if row.value is not None]
    return comparison_bars(
        title=title,
        items=items,
        unit=metric.unit,
        precision=metric.precision,
        median=position.median if position else None,
        quartiles=(position.p25, position.p75) if position else None,
    )


def _ranked(metric: Metric, figures: dict, names: dict, us_name: str, markers: dict) -> list[Row]:
    """Every member: those with a figure ranked best first (ties share a rank), then the rest
    with what was published instead."""
    key = best_first(metric.polarity)
    valued = sorted(
        ((pk, value) for pk, value in figures.items()),
        key=lambda item: (key(item[1]), item[0] is not None, names.get(item[0], ("", ""))[0]),
    )
    rows: list[Row] = []
    rank, before = 0, None
    for place, (pk, value) in enumerate(valued, start=1):
        if before is None or key(value) != before:  # ties share the best rank
            rank, before = place, key(value)
        name, code = (us_name, "") if pk is None else names[pk]
        rows.append(Row(rank, name, code, value, shown(metric, value), pk is None))
    for pk in sorted(markers, key=lambda pk: names[pk][0]):
        name, code = names[pk]
        rows.append(Row(None, name, code, None, marker_words(markers[pk]), False))
    return rows


@dataclass(frozen=True)
class Comparison:
    """The indicator page's "How we compare": the latest position and every earlier one."""

    link: BenchmarkLink
    latest: OurPosition
    positions: list[OurPosition]
    rows: list[Row]
    chart: object
    our_figure: str
    release: str

    @property
    def p25(self) -> str:
        return shown(self.link.metric, self.latest.position.p25)

    @property
    def median(self) -> str:
        return shown(self.link.metric, self.latest.position.median)

    @property
    def p75(self) -> str:
        return shown(self.link.metric, self.latest.position.p75)

    @property
    def quartile(self) -> str:
        return quartile_words(self.latest.position)

    @property
    def improving(self) -> str:
        return improving_words(self.latest.is_improving)

    def figure(self, value: Decimal) -> str:
        return shown(self.link.metric, value)

    @property
    def over_time(self) -> list[dict]:
        return [
            {
                "period": p.period,
                "figure": shown(self.link.metric, p.value),
                "source": p.figure_source,
                "quartile": quartile_words(p.position),
                "rank": p.position.rank_label,
            }
            for p in reversed(self.positions)
        ]

    @property
    def rank_chart(self):
        """Our rank and quartile in each period, oldest first; None with fewer than two."""
        if len(self.positions) < 2:
            return None
        return ranks.rank_chart(
            title=f"{self.link.metric.title}: our rank in {self.link.group.name} over time",
            points=[
                (
                    p.period,
                    p.position.rank,
                    p.position.of,
                    p.position.quartile,
                    p.is_improving,
                    p.is_joint,
                )
                for p in self.positions
            ],
        )


def indicator_comparison(link: BenchmarkLink, *, council) -> Comparison | None:
    """Where the council stands in the link's group, latest period first; None without any
    position. Five queries when the link's positions are kept (`kept.latest_positions`): only
    the latest period's group figures are read, for its table and chart."""
    positions = latest_positions([link], council=council).get(link.pk)
    if not positions:
        return None
    latest = replace(
        positions[-1], group_values=group_figures(link, positions[-1], council=council)
    )
    positions = [*positions[:-1], latest]
    metric = link.metric
    names = {
        pk: (name, gss or "")
        for pk, name, gss in Area.objects.filter(
            pk__in=[pk for pk in latest.group_values if pk is not None]
        ).values_list("pk", "name", "gss_code")
    }
    rows = _ranked(metric, latest.group_values, names, council.name, {})
    title = f"{metric.title}, {latest.period}: {link.group.name}"
    return Comparison(
        link=link,
        latest=latest,
        positions=positions,
        rows=rows,
        chart=_chart(metric, title, rows, latest.position),
        our_figure=shown(metric, latest.value),
        release=_release(metric, latest.period),
    )


def _release(metric: Metric, period: str) -> str:
    """The release the period's figures came from (the latest, if they came from several)."""
    releases = ExternalValue.objects.filter(metric=metric, period=period).exclude(release="")
    return releases.order_by("-release").values_list("release", flat=True).first() or ""


@dataclass(frozen=True)
class MetricView:
    metric: Metric
    group: ComparatorGroup
    period: str
    periods: list[str]
    rows: list[Row]
    position: BenchmarkPosition | None
    our_source: str
    chart: object
    release: str

    def _shown(self, value) -> str:
        return shown(self.metric, value)

    @property
    def our_figure(self) -> str:
        return next((row.figure for row in self.rows if row.is_us), "")

    @property
    def quartile(self) -> str:
        return quartile_words(self.position) if self.position else ""

    @property
    def p25(self) -> str:
        return self._shown(self.position.p25)

    @property
    def median(self) -> str:
        return self._shown(self.position.median)

    @property
    def p75(self) -> str:
        return self._shown(self.position.p75)


def metric_view(metric: Metric, group: ComparatorGroup, period: str | None, *, council):
    """Every council of the group with its figure for the period (latest by default), ranked
    best first, ours picked out: our own signed-off figure when an indicator is linked and
    has one, else the one published for our area."""
    periods = sorted(
        set(metric.values.values_list("period", flat=True)), reverse=True
    )  # newest first
    if period not in periods:
        period = periods[0] if periods else ""
    area = Area.objects.filter(gss_code=council.ons_code).first() if council.ons_code else None
    members = dict(
        (pk, (name, gss or ""))
        for pk, name, gss in group.members.values_list("pk", "name", "gss_code")
    )
    in_group = Q(area_id__in=members) | (Q(area=area) if area is not None else Q(pk__in=[]))
    figures: dict = {}
    markers: dict = {}
    release = ""
    for area_pk, value, marker, release_of in ExternalValue.objects.filter(
        in_group, metric=metric, period=period
    ).values_list("area_id", "value", "marker", "release"):
        release = release or release_of
        if value is None:
            markers[area_pk] = marker
        else:
            figures[area_pk] = value
    for pk in members:
        if pk not in figures and pk not in markers and (area is None or pk != area.pk):
            markers[pk] = None
    published_ours = figures.pop(area.pk, None) if area is not None else None
    if area is not None:
        markers.pop(area.pk, None)
    ours, source = published_ours, AS_PUBLISHED.format(publisher=metric.publisher)
    link = BenchmarkLink.objects.filter(metric=metric).select_related("indicator").first()
    if link is not None:
        for position in latest_positions([link], council=council).get(link.pk, []):
            if position.period == period:
                ours, source = position.value, position.figure_source
    position = None
    if ours is not None:
        figures[None] = ours
        position = benchmark_position(
            value=ours, group_values=figures.values(), polarity=metric.polarity
        )
    else:
        source = "no figure for us"
    rows = _ranked(metric, figures, members, council.name, markers)
    title = f"{metric.title}, {period}: {group.name}"
    return MetricView(
        metric=metric,
        group=group,
        period=period,
        periods=periods,
        rows=rows,
        position=position,
        our_source=source,
        chart=_chart(metric, title, rows, position),
        release=release,
    )


def groups_for(council) -> list[ComparatorGroup]:
    """The standard groups, the council's own, and the published groups holding its area."""
    standard = Q(kind__in=[GroupKind.NATION, GroupKind.TIER, GroupKind.REGION, GroupKind.OWN])
    ours = Q(kind=GroupKind.PUBLISHED, members__gss_code=council.ons_code)
    linked = Q(links__isnull=False)
    return list(ComparatorGroup.objects.filter(standard | ours | linked).distinct())
