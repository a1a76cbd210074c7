"""What the outcome and ambition pages show as "what the evidence says", and a contextual
metric's own page: the latest published figure for each area, the one before it, and the
change in words. Evidence is never ranked: no quartile, no rank, no comparator group.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from status.direction import Direction, direction_of_travel
from status.numbers import shown as rounded

from .models import Area, ExternalValue, Metric, OutcomeEvidence
from .queries import marker_words, shown

NO_EARLIER = "No earlier figure of the same length"
NOT_COMPARABLE = "Not comparable: no figure was published for {period}"
NO_CHANGE = "No change on {period}"
CHANGED = "{way} {amount} on {period}"


@dataclass(frozen=True)
class Figure:
    """One published figure (or the marker published instead) for one area and period."""

    period: str
    start: datetime.date
    end: datetime.date
    value: Decimal | None
    marker: str
    release: str

    @property
    def months(self) -> int:
        """Its length: a year is compared with a year, a quarter with a quarter."""
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month


@dataclass(frozen=True)
class AreaFigures:
    """An area's latest figure for a metric and the one before it, as shown."""

    name: str
    gss_code: str
    is_ours: bool
    latest: Figure | None
    previous: Figure | None
    latest_shown: str
    previous_shown: str
    change: str


@dataclass(frozen=True)
class Evidence:
    link: OutcomeEvidence
    areas: list[AreaFigures]
    release: str  # the release the latest figure shown came from

    @property
    def metric(self) -> Metric:
        return self.link.metric

    @property
    def outcome(self):
        return self.link.outcome


def figure_words(metric: Metric, figure: Figure | None) -> str:
    if figure is None:
        return "Not published"
    if figure.value is None:
        return marker_words(figure.marker).capitalize()
    return shown(metric, figure.value)


def change_words(metric: Metric, latest: Figure | None, previous: Figure | None) -> str:
    """Up or down by how much on the period before, as shown; judged (improving,
    worsening) only when the metric has a better direction."""
    if latest is None:
        return ""
    if previous is None:
        return NO_EARLIER
    direction = direction_of_travel(
        current=latest.value,
        previous=previous.value,
        polarity=metric.polarity,
        precision=metric.precision,
    )
    if direction is Direction.not_comparable:
        missing = latest if latest.value is None else previous
        return NOT_COMPARABLE.format(period=missing.period)
    if direction is Direction.no_change:
        return NO_CHANGE.format(period=previous.period)
    difference = rounded(latest.value, metric.precision) - rounded(previous.value, metric.precision)
    amount = (
        f"{abs(difference):,.{metric.precision}f} percentage points"
        if metric.unit == "%"
        else shown(metric, abs(difference))
    )
    words = CHANGED.format(
        way="Up" if difference > 0 else "Down", amount=amount, period=previous.period
    )
    if direction in (Direction.improving, Direction.worsening):
        words += f" ({direction.label.lower()})"
    return words


def _area_figures(metric: Metric, area: Area, is_ours: bool, figures: list[Figure]):
    """`figures` newest first: the latest, and the latest earlier one of the same length."""
    latest = figures[0] if figures else None
    previous = None
    if latest is not None:
        previous = next(
            (f for f in figures[1:] if f.months == latest.months and f.end < latest.end), None
        )
    return AreaFigures(
        name=area.name,
        gss_code=area.gss_code or "",
        is_ours=is_ours,
        latest=latest,
        previous=previous,
        latest_shown=figure_words(metric, latest),
        previous_shown=figure_words(metric, previous) if previous else "",
        change=change_words(metric, latest, previous),
    )


def _figures(metric_pks, area_pks) -> dict[tuple[int, int], list[Figure]]:
    """Every figure of the metrics for the areas, newest first, by (metric, area): one query."""
    found: dict[tuple[int, int], list[Figure]] = defaultdict(list)
    if not metric_pks or not area_pks:
        return found
    rows = (
        ExternalValue.objects.filter(metric__in=metric_pks, area__in=area_pks)
        .order_by("-period_end", "-period_start")
        .values_list(
            "metric_id", "area_id", "period", "period_start", "period_end", "value", "marker",
            "release",
        )
    )  # fmt: skip
    for metric_pk, area_pk, period, start, end, value, marker, release in rows:
        found[metric_pk, area_pk].append(Figure(period, start, end, value, marker, release))
    return found


def our_area(council) -> Area | None:
    """The council's own area, by its ONS code; None when it has none or it is not listed."""
    if council is None or not council.ons_code:
        return None
    return Area.objects.filter(gss_code=council.ons_code).first()


def linked_evidence(*, outcome=None, ambition=None) -> list[OutcomeEvidence]:
    """The evidence beside an outcome, or beside every outcome of an ambition (in the
    outcomes' order), with each link's metric, outcome and areas: two queries, one when
    there is none."""
    links = OutcomeEvidence.objects.select_related("metric", "outcome").prefetch_related("areas")
    if ambition is not None:
        links = links.filter(outcome__ambition=ambition)
    else:
        links = links.filter(outcome=outcome)
    return list(links.order_by("outcome__order", "outcome__title", "metric__title"))


def what_the_evidence_says(links: list[OutcomeEvidence], *, council) -> list[Evidence]:
    """Each link's figures for its areas (the council's own area when it names none): two
    queries more, however many links, areas and periods."""
    ours = our_area(council) if any(not link.areas.all() for link in links) else None
    areas_of = {link.pk: list(link.areas.all()) or ([ours] if ours else []) for link in links}
    figures = _figures(
        {link.metric_id for link in links},
        {area.pk for areas in areas_of.values() for area in areas},
    )
    evidence = []
    for link in links:
        areas = [
            _area_figures(
                link.metric,
                area,
                ours is not None and area.pk == ours.pk,
                figures.get((link.metric_id, area.pk), []),
            )
            for area in areas_of[link.pk]
        ]
        latest = [area.latest for area in areas if area.latest is not None]
        release = max(latest, key=lambda f: f.end).release if latest else ""
        evidence.append(Evidence(link=link, areas=areas, release=release))
    return evidence


@dataclass(frozen=True)
class AreaSeries:
    name: str
    gss_code: str
    is_ours: bool
    rows: list[dict]  # newest first: period, figure as shown, release


@dataclass(frozen=True)
class EvidenceSeries:
    """A contextual metric's own page: every figure for our area and the areas named beside
    outcomes, and the outcomes it is shown beside."""

    metric: Metric
    areas: list[AreaSeries]
    links: list[OutcomeEvidence]
    release: str  # the release the newest figure came from


def evidence_series(metric: Metric, *, council) -> EvidenceSeries:
    """Four queries, however many periods and areas."""
    links = list(metric.evidence.select_related("outcome").order_by("outcome__title"))
    ours = our_area(council)
    named = Area.objects.filter(evidence__metric=metric)
    areas = list(
        Area.objects.filter(Q(pk__in=named) | Q(pk=ours.pk if ours else None)).order_by("name")
    )
    areas.sort(key=lambda area: ours is None or area.pk != ours.pk)  # ours first
    figures = _figures({metric.pk}, {area.pk for area in areas})
    newest = max(
        (f for found in figures.values() for f in found[:1]), key=lambda f: f.end, default=None
    )
    return EvidenceSeries(
        metric=metric,
        areas=[
            AreaSeries(
                name=area.name,
                gss_code=area.gss_code or "",
                is_ours=ours is not None and area.pk == ours.pk,
                rows=[
                    {
                        "period": figure.period,
                        "figure": figure_words(metric, figure),
                        "release": figure.release,
                    }
                    for figure in figures.get((metric.pk, area.pk), [])
                ],
            )
            for area in areas
        ],
        links=links,
        release=newest.release if newest else "",
    )
