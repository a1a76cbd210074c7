"""What the risk pages, panels and appendix read: the register as at a date with each risk's
latest signed-off review, its score, band, trend and flags; heat maps; the highest risks.

Every read here is bounded: a fixed number of queries whatever the number of risks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber

from risks.bands import BandScheme, ShownBand, council_bands
from risks.models import Risk, RiskReview, RiskStatus
from signoff.models import SIGNED_OFF_STATES
from status.risks import (
    SCORE_RANGE,
    RiskTrend,
    is_above_target,
    is_review_overdue,
    next_review_date,
    risk_score,
    risk_trend,
)

HIGHEST_COUNT = 5  # the directorate scorecard's "highest risks"


# Units sit at most this far below a directorate (service, team, and one more for safety).
DEPTH_BELOW = 4


def within(unit_ids: Iterable[int]) -> Q:
    """Risks held by the units given or any unit below them, without reading the tree."""
    ids = list(unit_ids)
    condition = Q(unit_id__in=ids)
    path = "unit"
    for _ in range(DEPTH_BELOW):
        path += "__parent"
        condition |= Q(**{f"{path}_id__in": ids})
    return condition


@dataclass(frozen=True)
class RiskRow:
    """One risk as at a date, judged on its latest signed-off review."""

    risk: Risk
    latest: RiskReview | None
    previous: RiskReview | None
    band: ShownBand | None  # of the current score
    inherent_band: ShownBand | None
    target_band: ShownBand | None
    trend: RiskTrend | None
    is_above_target: bool
    is_review_overdue: bool
    next_review_on: date

    @property
    def current_score(self) -> int | None:
        return self.latest.current_score if self.latest else None

    @property
    def inherent_score(self) -> int | None:
        return self.latest.inherent_score if self.latest else None

    @property
    def target_score(self) -> int | None:
        return self.latest.target_score if self.latest else None

    @property
    def cell(self) -> tuple[int, int] | None:
        """(likelihood, impact) of the current score."""
        if self.latest is None:
            return None
        return self.latest.current_likelihood, self.latest.current_impact


def register(
    *,
    on: date,
    within_units: Iterable[int] | None = None,
    level: str | None = None,
    indicator=None,
    owner=None,
    outcomes: Iterable[int] | None = None,
    bands: BandScheme | None = None,
) -> list[RiskRow]:
    """The risks open on `on` (held within `within_units` if given, at `level`, linked to
    `indicator` or to any of the `outcomes` ids), each judged on its signed-off reviews dated
    on or before `on`. Three queries (two with `bands` given), one when there are no risks."""
    risks = (
        Risk.objects.select_related("owner", "unit")
        .filter(opened_on__lte=on)
        .filter(Q(status=RiskStatus.OPEN) | Q(closed_on__gt=on))
    )
    if within_units is not None:
        risks = risks.filter(within(within_units))
    if level:
        risks = risks.filter(level=level)
    if indicator is not None:
        risks = risks.filter(indicators=indicator)
    if owner is not None:
        risks = risks.filter(owner=owner)
    if outcomes is not None:
        risks = risks.filter(outcomes__in=list(outcomes)).distinct()
    risks = list(risks.order_by("reference"))
    if not risks:
        return []
    reviews = _reviews_as_at(risks, on)
    bands = bands or council_bands()
    return [_row(risk, reviews.get(risk.pk, []), on, bands) for risk in risks]


def _reviews_as_at(risks: list[Risk], on: date) -> dict[int, list[RiskReview]]:
    """Each risk's two latest signed-off reviews dated on or before `on`, newest first."""
    reviews = (
        RiskReview.objects.filter(
            risk_id__in=[r.pk for r in risks], state__in=SIGNED_OFF_STATES, reviewed_on__lte=on
        )
        .annotate(
            position=Window(
                RowNumber(), partition_by=[F("risk_id")], order_by=F("reviewed_on").desc()
            )
        )
        .filter(position__lte=2)
        .order_by("risk_id", "-reviewed_on")
    )
    found: dict[int, list[RiskReview]] = {}
    for review in reviews:
        found.setdefault(review.risk_id, []).append(review)
    return found


def risk_row(risk: Risk, *, on: date, bands: BandScheme | None = None) -> RiskRow:
    """One risk as at `on`, judged on its signed-off reviews."""
    return _row(risk, _reviews_as_at([risk], on).get(risk.pk, []), on, bands or council_bands())


def _row(risk: Risk, reviews: list[RiskReview], on: date, bands: BandScheme) -> RiskRow:
    latest = reviews[0] if reviews else None
    previous = reviews[1] if len(reviews) > 1 else None
    # Never reviewed: the interval runs from the day the risk joined the register.
    last_day = latest.reviewed_on if latest else risk.opened_on
    interval = risk.review_interval_months
    if latest is None:
        return RiskRow(
            risk=risk,
            latest=None,
            previous=None,
            band=None,
            inherent_band=None,
            target_band=None,
            trend=None,
            is_above_target=False,
            is_review_overdue=is_review_overdue(last_day, on, interval),
            next_review_on=next_review_date(last_day, interval),
        )
    return RiskRow(
        risk=risk,
        latest=latest,
        previous=previous,
        band=bands.of(latest.current_score),
        inherent_band=bands.of(latest.inherent_score),
        target_band=bands.of(latest.target_score),
        trend=risk_trend(latest.current_score, previous.current_score if previous else None),
        # STATUS-RULES: above target uses the latest review's target score.
        is_above_target=is_above_target(latest.current_score, latest.target_score),
        is_review_overdue=is_review_overdue(last_day, on, interval),
        next_review_on=next_review_date(last_day, interval),
    )


@dataclass(frozen=True)
class HeatCell:
    likelihood: int
    impact: int
    count: int
    band: ShownBand

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


@dataclass(frozen=True)
class HeatRow:
    impact: int
    cells: list[HeatCell]


@dataclass(frozen=True)
class HeatMap:
    """Counts of risks per likelihood × impact: rows impact 5 down to 1, columns likelihood
    1 to 5."""

    rows: list[HeatRow]
    total: int
    not_reviewed: int = 0
    likelihoods: list[int] = field(default_factory=lambda: list(SCORE_RANGE))


def heat_map(rows: list[RiskRow], bands: BandScheme, *, inherent: bool = False) -> HeatMap:
    """The current (or inherent) scores of `rows` as a 5×5 grid of counts."""
    counts: dict[tuple[int, int], int] = {}
    for row in rows:
        if row.latest is None:
            continue
        if inherent:
            cell = (row.latest.inherent_likelihood, row.latest.inherent_impact)
        else:
            cell = row.cell
        counts[cell] = counts.get(cell, 0) + 1
    grid = [
        HeatRow(
            impact=impact,
            cells=[
                HeatCell(
                    likelihood=likelihood,
                    impact=impact,
                    count=counts.get((likelihood, impact), 0),
                    band=bands.of(risk_score(likelihood, impact)),
                )
                for likelihood in SCORE_RANGE
            ],
        )
        for impact in reversed(SCORE_RANGE)
    ]
    reviewed = sum(counts.values())
    return HeatMap(rows=grid, total=reviewed, not_reviewed=len(rows) - reviewed)


TREND_ORDER = {RiskTrend.rising: 0, RiskTrend.new: 1, RiskTrend.stable: 2, RiskTrend.falling: 3}


def highest(rows: list[RiskRow], count: int = HIGHEST_COUNT) -> list[RiskRow]:
    """The risks with the highest current scores; rising ones first among equals."""
    reviewed = [row for row in rows if row.latest is not None]
    reviewed.sort(key=lambda row: (-row.current_score, TREND_ORDER[row.trend], row.risk.reference))
    return reviewed[:count]


def in_cell(
    rows: list[RiskRow], likelihood: int, impact: int, *, inherent: bool = False
) -> list[RiskRow]:
    """The rows whose current (or inherent) score sits in the cell."""
    wanted = (likelihood, impact)
    if inherent:
        return [
            row
            for row in rows
            if row.latest is not None
            and (row.latest.inherent_likelihood, row.latest.inherent_impact) == wanted
        ]
    return [row for row in rows if row.cell == wanted]


def in_band(rows: list[RiskRow], band: str) -> list[RiskRow]:
    return [row for row in rows if row.band is not None and row.band.band.value == band]


def score_history(risk: Risk, *, with_unapproved: bool) -> list[RiskReview]:
    """The risk's reviews, newest first: signed off only, unless the reader may see drafts."""
    reviews = RiskReview.objects.filter(risk=risk).select_related(
        "risk", "entered_by", "submitted_by", "approved_by"
    )
    if not with_unapproved:
        reviews = reviews.filter(state__in=SIGNED_OFF_STATES)
    return list(reviews.order_by("-reviewed_on"))
