"""What a scorecard row or a report row says about how an indicator compares: the council's
latest published position among its comparator group, with the source beside it.

Published figures lag the council's own by a year or more, so a scorecard for a quarter shows
the latest published period that had ended by the quarter's end.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, replace

from status.benchmark import Quartile
from status.numbers import ordinal

from .kept import latest_positions
from .models import BenchmarkLink
from .queries import improving_words, shown

# The quartile filter's choices: the four quartiles, and indicators with no comparison.
NOT_COMPARED = "not_compared"
QUARTILE_CHOICES = [*Quartile.choices(), (NOT_COMPARED, "Not compared")]


@dataclass(frozen=True)
class Compared:
    """Plain text and numbers, so that a report can freeze it in its snapshot."""

    metric: str  # the metric's code
    metric_title: str
    group: str
    period: str
    figure_shown: str
    figure_source: str  # "our own figure" or "as published by …"
    quartile: str | None  # a Quartile value; None when the metric has no better direction
    quartile_label: str  # "Top quartile", or "No quartile"
    rank: int
    of: int
    median_shown: str
    improving: str  # in words: a better quartile than the period before?
    source: str
    publisher: str
    licence: str
    url: str
    release_date: str  # ISO date of the metric's latest release, or ""
    definition_note: str

    @property
    def rank_label(self) -> str:
        return f"{ordinal(self.rank)} of {self.of}"

    def as_dict(self) -> dict:
        return asdict(self)


def quartile_label(quartile: Quartile | None) -> str:
    return f"{Quartile(quartile).label} quartile" if quartile is not None else "No quartile"


def compared_for(indicator_ids, *, council, ends_by: datetime.date) -> dict[int, Compared]:
    """Each linked indicator's latest position among published periods ended by `ends_by`,
    by indicator pk. Two queries while the links' positions are kept (`kept`), whatever the
    number of indicators."""
    links = list(
        BenchmarkLink.objects.filter(indicator__in=list(indicator_ids)).select_related(
            "metric", "group", "indicator"
        )
    )
    if not links or council is None:
        return {}
    positions = latest_positions(links, council=council)
    found: dict[int, Compared] = {}
    for link in links:
        known = [p for p in positions.get(link.pk, []) if p.ends_on is None or p.ends_on <= ends_by]
        if not known:
            continue
        latest, metric = known[-1], link.metric
        found[link.indicator_id] = Compared(
            metric=metric.code,
            metric_title=metric.title,
            group=link.group.name,
            period=latest.period,
            figure_shown=shown(metric, latest.value),
            figure_source=latest.figure_source,
            quartile=str(latest.position.quartile) if latest.position.quartile else None,
            quartile_label=quartile_label(latest.position.quartile),
            rank=latest.position.rank,
            of=latest.position.of,
            median_shown=shown(metric, latest.position.median),
            improving=improving_words(latest.is_improving),
            source=metric.source,
            publisher=metric.publisher,
            licence=metric.licence,
            url=metric.url,
            release_date=metric.release_date.isoformat() if metric.release_date else "",
            definition_note=link.definition_note,
        )
    return found


def with_comparisons(readings: dict, *, council, ends_by: datetime.date) -> dict:
    """Scorecard readings (by indicator pk) with `compared` set for each linked indicator."""
    compared = compared_for(readings, council=council, ends_by=ends_by)
    return {
        pk: replace(r, compared=compared[pk]) if pk in compared else r for pk, r in readings.items()
    }


def keeps(quartiles: frozenset[str], compared: Compared | None) -> bool:
    """The quartile filter: no choice keeps everything."""
    if not quartiles:
        return True
    if compared is None or compared.quartile is None:
        return NOT_COMPARED in quartiles
    return compared.quartile in quartiles
