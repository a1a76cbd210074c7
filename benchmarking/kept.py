"""Positions kept between requests: worked out once per link, read as one row, never stale.

Where the council stands in a link's group is worked out from every published figure of the
link's metric (`positions.links_positions`): at a county's size, hundreds of thousands of rows
on every scorecard. They change only when figures are imported, a group, link, metric or area
is changed, or the council signs off its own figure, so a link's positions are kept
(`KeptPositions`) and read back while nothing they are made of has moved.

Why kept positions are never stale:

- The database's triggers move the published generation on (migration 0005) in the same
  transaction as any change to the published side, and the linked indicator's reading
  generation (scorecards migration 0003) with any change to its own figures.
- Kept positions are used only under both current generations, compared in the query that
  reads them; the generations are read before the inputs when positions are worked out.
- `layout` names the shape of what is kept; a release that changes it leaves old rows unused.

What is kept leaves out each period's group figures: scorecards and reports need only where
the council stands; the metric's own page works them out whole.
"""

from __future__ import annotations

import pickle
from dataclasses import replace

from django.db.models import F, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from organisation.models import Council
from scorecards.models import ReadingGeneration
from scorecards.stored import keep_rows, layout_of
from status import benchmark

from .models import BenchmarkLink, KeptPositions, PublishedGeneration
from .positions import OurPosition, links_positions

# The shape of a kept position, and the rules that rank (a release that changes them works
# every position out again).
LAYOUT = layout_of((benchmark,), OurPosition, drawn_by=(benchmark, "benchmarking.positions"))


def _holding():
    """The kept positions still made of what is in the database now."""
    published = PublishedGeneration.objects.filter(pk=1).values("number")
    return KeptPositions.objects.filter(
        layout=LAYOUT,
        published_generation=Coalesce(Subquery(published), 0),  # no row yet: 0
        indicator_generation=F("link__indicator__reading_generation__number"),
    )


def latest_positions(links, *, council) -> dict[int, list[OurPosition]]:
    """The council's position in each link's group for every published period, oldest first,
    by link pk, without the groups' figures (`links_positions` gives them whole). One query
    when every link's positions are kept; else about eight more for those that are not, which
    are kept for the next page."""
    links = list(links)
    if not links or council is None:
        return {}
    found: dict[int, list[OurPosition]] = {}
    current = _holding().filter(link__in=[link.pk for link in links])
    current = current.values_list("link_id", "positions")
    for link_pk, blob in current:
        found[link_pk] = pickle.loads(blob)
    missing = [link for link in links if link.pk not in found]
    if missing:
        found |= _work_out(missing, council=council)
    return found


def _work_out(links, *, council) -> dict[int, list[OurPosition]]:
    """Work the links' positions out from every published figure, and keep them under the
    generations read before anything they are made of: the links and the council too are
    read again after them."""
    published = PublishedGeneration.objects.filter(pk=1).values_list("number", flat=True).first()
    indicators = dict(
        ReadingGeneration.objects.filter(
            indicator_id__in=[link.indicator_id for link in links]
        ).values_list("indicator_id", "number")
    )
    links = list(
        BenchmarkLink.objects.filter(pk__in=[link.pk for link in links]).select_related(
            "metric", "group", "indicator"
        )
    )
    council = Council.objects.get(pk=council.pk)
    worked = {
        pk: [replace(p, group_values={}) for p in positions]
        for pk, positions in links_positions(links, council=council).items()
    }
    _keep(links, worked, published=published or 0, indicators=indicators)
    return worked


def _keep(links, worked, *, published: int, indicators: dict[int, int]) -> None:
    """Keeping is a saving, not a duty: if the database refuses the write, the positions were
    still shown and the next page works them out again."""
    now = timezone.now()
    rows = [
        KeptPositions(
            link_id=link.pk,
            published_generation=published,
            indicator_generation=indicators.get(link.indicator_id, 0),
            layout=LAYOUT,
            positions=pickle.dumps(worked[link.pk], protocol=pickle.HIGHEST_PROTOCOL),
            judged_at=now,
        )
        for link in links
    ]
    unnumbered = [link.indicator_id for link in links if link.indicator_id not in indicators]
    keep_rows(
        KeptPositions,
        rows,
        unique=["link"],
        unnumbered=unnumbered,
        what=f"Positions of {len(rows)} links",
    )


def refresh(indicator_ids: list[int] | None = None) -> int:
    """Work out again the positions of the links of these indicators (None: every link) whose
    kept positions no longer hold, or were never kept; return how many links."""
    council = Council.objects.first()
    if council is None:
        return 0
    links = BenchmarkLink.objects.all()
    if indicator_ids is not None:
        links = links.filter(indicator_id__in=indicator_ids)
    holding = set(_holding().values_list("link_id", flat=True))
    stale = [link for link in links if link.pk not in holding]
    if stale:
        _work_out(stale, council=council)
    return len(stale)
