"""Readings kept between requests: judged once, read as rows, never stale.

A scorecard judges each indicator from its whole signed-off history, its targets, versions,
recalculation points and deadline. Those change only when someone changes them, so a reading
is kept (`StoredReading`) the first time it is judged for a period and read back afterwards.

Why a kept reading can never be stale:

- Every change to what a reading is made of moves its indicator's generation on, in the same
  transaction as the change, by the database's own triggers (migration 0003), however the
  row is written: a signed-off figure, target, version, recalculation point or the indicator
  itself.
  A change to a deadline, a period or the council's rules moves the one calendar generation
  all readings share (migration 0005).
- A kept reading is used only while its generation is the indicator's current one and the
  calendar generation it was judged under is current, compared in the query that reads it.
- The generations are read before the inputs are, and every input is read again after them:
  a reading judged while a change commits carries the generations before the change, and is
  not used.
- A reading with no figure is Pending up to its deadline and Missing after it; it is kept
  with that deadline and used only on the side of it it was judged on.
- A reading's `layout` names the shape of what is kept; a release that changes it leaves the
  old rows unused until they are judged again.

Judging again is done by the page that finds a reading missing (it judges it from the pure
rules, shows it and keeps it) and, after a change saved through the models, by the tasks
worker (`refresh`, asked by `connect`'s signals), so the next page finds it kept.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import inspect
import json
import logging
import pickle
import threading
import zlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from pathlib import Path

from django.db import DatabaseError, transaction
from django.db.models import F, Q, Subquery
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save
from django.template.loader import get_template
from django.utils import timezone

from charts import sparkline, svg
from indicators.models import Indicator, IndicatorVersion, Period, SpcRecalculation, Value
from scorecards import trends
from scorecards.models import CalendarGeneration, ReadingGeneration, StoredHistory, StoredReading
from status import direction, numbers, quality, rag, spc
from status import periods as status_periods

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kept:
    """What is kept of a reading: its judgement, with the rows it names by id."""

    period_id: int | None
    version_id: int | None  # the version it was judged by; None: the indicator itself
    figure: Decimal | None
    figure_shown: str
    target: Decimal | None
    lower: Decimal | None
    upper: Decimal | None
    target_shown: str
    rag: rag.Rag
    direction: direction.Direction
    comparison: direction.Comparison
    comparison_period_id: int | None
    comparison_shown: str
    last_year_shown: str
    last_year_direction: direction.Direction
    variation: spc.Variation
    assurance: spc.Assurance
    # The whole SPC reading and the series, pickled together and compressed (a page reads
    # hundreds of kept readings and draws few: less to fetch, and PostgreSQL sends bytes as
    # text twice their size); read only when drawn (`Drawing`).
    packed_drawing: bytes
    value_id: int | None
    spc_target: Decimal | None
    spc_lower: Decimal | None
    spc_upper: Decimal | None
    spc_cuts: tuple[tuple[int, int], ...]  # (position, recalculation id)
    spc_baseline: tuple[int, int] | None
    data_quality: quality.Quality
    trend: str  # its sparkline's SVG (`trends.trend_svg`), drawn once


def layout_of(modules, *kept, drawn_by=(), templates=()) -> int:
    """A number naming the shape of what is kept: every dataclass's fields and every choice's
    members in `modules`, the fields of each `kept` dataclass, and the source of the modules
    (or modules named, for one that imports this) and templates that judge or draw what is
    kept: a release that changes a rule or a drawing judges or draws again."""
    shapes = [_source(module) for module in drawn_by]
    shapes += [get_template(name).template.source for name in templates]
    for module in modules:
        for name, item in sorted(vars(module).items()):
            if getattr(item, "__module__", None) != module.__name__:
                continue
            if is_dataclass(item):
                shapes.append(f"{name}({','.join(f.name for f in fields(item))})")
            elif isinstance(item, type) and issubclass(item, Enum):
                shapes.append(f"{name}[{','.join(str(m.value) for m in item)}]")
    for item in kept:
        shapes.append(f"{item.__name__}({','.join(f.name for f in fields(item))})")
    digest = hashlib.sha256("|".join(shapes).encode()).digest()
    return int.from_bytes(digest[:7], "big")


def _source(module) -> str:
    if isinstance(module, str):
        return Path(importlib.util.find_spec(module).origin).read_text(encoding="utf-8")
    return inspect.getsource(module)


class Drawing:
    """What a kept reading is drawn with, its SPC charts (every point and limit of every
    phase) and its series, unpickled only when something draws or tests them. A scorecard
    reads hundreds of kept readings and draws at most a page of them; these are nine tenths
    of what is kept."""

    __slots__ = ("_packed", "_series", "_spc")

    def __init__(self, packed: bytes):
        self._packed = packed
        self._spc = None
        self._series = None

    def _unpickle(self) -> None:
        if self._spc is None:
            self._spc, self._series = pickle.loads(zlib.decompress(self._packed))

    def spc(self) -> spc.SpcReading:
        self._unpickle()
        return self._spc

    def series(self) -> tuple[tuple[int, Decimal], ...]:
        """(period id, figure) pairs."""
        self._unpickle()
        return self._series


class KeptSpc:
    """A kept reading's SPC: its variation and assurance at once, its charts when drawn."""

    __slots__ = ("_drawing", "assurance", "variation")

    def __init__(self, variation: spc.Variation, assurance: spc.Assurance, drawing: Drawing):
        self.variation = variation
        self.assurance = assurance
        self._drawing = drawing

    def whole(self) -> spc.SpcReading:
        return self._drawing.spc()

    @property
    def chart(self) -> spc.XmrChart | None:
        return self.whole().chart

    @property
    def phases(self) -> tuple[spc.Phase, ...]:
        return self.whole().phases

    @property
    def is_recalculated(self) -> bool:
        return self.whole().is_recalculated

    def __eq__(self, other) -> bool:
        return self.whole() == _whole(other)

    def __hash__(self) -> int:
        return hash(self.whole())

    def __reduce__(self):  # pickled as the SPC reading itself
        return (_whole, (self.whole(),))

    def __repr__(self) -> str:
        return f"KeptSpc({self.variation}, {self.assurance})"


class KeptSeries(Sequence):
    """A kept reading's series, (period, figure) pairs, unpickled when first read."""

    __slots__ = ("_drawing", "_items", "_periods")

    def __init__(self, drawing: Drawing, periods: dict):
        self._drawing = drawing
        self._periods = periods  # by id
        self._items = None

    def _all(self) -> tuple:
        if self._items is None:
            self._items = tuple((self._periods[pk], f) for pk, f in self._drawing.series())
        return self._items

    def __getitem__(self, index):
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())

    def __eq__(self, other) -> bool:
        return self._all() == (other._all() if isinstance(other, KeptSeries) else other)

    def __hash__(self) -> int:
        return hash(self._all())

    def __reduce__(self):  # pickled as a plain tuple
        return (tuple, (self._all(),))

    def __repr__(self) -> str:
        return repr(self._all())


def _whole(reading):
    """An SPC reading itself, kept or not."""
    return reading.whole() if isinstance(reading, KeptSpc) else reading


# What judges a reading: the status rules and `readings`, which applies them. A release that
# changes any of them (or what draws a trend) leaves every kept reading to be judged again.
JUDGED_BY = (
    *(rag, direction, spc, quality, status_periods, numbers),
    *("scorecards.readings", "indicators.definitions"),
)
LAYOUT = layout_of(
    (spc, rag, direction, quality), Kept, drawn_by=(*JUDGED_BY, sparkline, svg, trends)
)


def _packed(drawing) -> bytes:
    # Level 1: a third of the size, compressed in a tenth of a millisecond.
    return zlib.compress(pickle.dumps(drawing, protocol=pickle.HIGHEST_PROTOCOL), 1)


def kept_of(reading) -> Kept:
    definition = reading.definition
    return Kept(
        period_id=reading.period.pk if reading.period else None,
        version_id=definition.pk if isinstance(definition, IndicatorVersion) else None,
        figure=reading.figure,
        figure_shown=reading.figure_shown,
        target=reading.target,
        lower=reading.lower,
        upper=reading.upper,
        target_shown=reading.target_shown,
        rag=reading.rag,
        direction=reading.direction,
        comparison=reading.comparison,
        comparison_period_id=reading.comparison_period.pk if reading.comparison_period else None,
        comparison_shown=reading.comparison_shown,
        last_year_shown=reading.last_year_shown,
        last_year_direction=reading.last_year_direction,
        variation=reading.spc.variation,
        assurance=reading.spc.assurance,
        packed_drawing=_packed(
            (_whole(reading.spc), tuple((period.pk, figure) for period, figure in reading.series))
        ),
        value_id=reading.value.pk if reading.value else None,
        spc_target=reading.spc_target,
        spc_lower=reading.spc_lower,
        spc_upper=reading.spc_upper,
        spc_cuts=tuple((position, r.pk) for position, r in reading.spc_cuts),
        spc_baseline=reading.spc_baseline,
        data_quality=reading.data_quality,
        trend=str(trends.trend_svg(reading)),
    )


# --- Reading kept readings -------------------------------------------------------------------


def kept_for(ids: list[int], span: Period, *, today: date) -> dict[int, Kept]:
    """The kept readings of `ids` for `span` that still hold (one query)."""
    found = StoredReading.objects.filter(
        indicator_id__in=ids,
        period=span,
        layout=LAYOUT,
        generation=F("indicator__reading_generation__number"),
        calendar_generation=Coalesce(Subquery(_calendar_now()), 0),  # no row yet: 0
    ).values_list("indicator_id", "reading", "deadline", "before_deadline")
    kept = {}
    for indicator_id, blob, deadline, before_deadline in found:
        if deadline is not None and (today <= deadline) != before_deadline:
            continue  # judged on the other side of its deadline
        kept[indicator_id] = pickle.loads(blob)
    return kept


def _calendar_now():
    return CalendarGeneration.objects.filter(pk=1).values("number")


def calendar_generation() -> int:
    """The current calendar generation (one query): read before the inputs are."""
    return _calendar_now().values_list("number", flat=True).first() or 0


def generations(ids: list[int]) -> dict[int, int]:
    """The indicators' current generations (one query): read before their inputs are."""
    return dict(
        ReadingGeneration.objects.filter(indicator_id__in=ids).values_list("indicator_id", "number")
    )


def keep_rows(model, rows: list, *, unique: list[str], unnumbered: list[int], what: str) -> None:
    """Write freshly kept rows over those they replace (`unique` names one), numbering first
    the indicators with no generation yet (their triggers move it on from then on).

    Keeping is a saving, not a duty: if the database refuses the write (a lock held too long),
    what was judged was still shown, and the next page judges it again."""
    others = [
        field.name
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name not in unique
    ]
    try:
        with transaction.atomic():
            ReadingGeneration.objects.bulk_create(
                [ReadingGeneration(indicator_id=pk, number=0) for pk in unnumbered],
                ignore_conflicts=True,
            )
            model.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=unique,
                update_fields=others,
                batch_size=500,
            )
    except DatabaseError:
        logger.warning("%s were shown but not kept", what, exc_info=True)


def keep(
    readings: dict, span: Period, *, generation: dict[int, int], calendar: int, deadlines, today
) -> None:
    """Keep freshly judged readings, each under the generations (its indicator's and the
    calendar's) read before its inputs.

    Keeping is a saving, not a duty: if the database refuses the write (a lock held too long),
    the readings were still shown and the next page judges them again."""
    if not readings:
        return
    now = timezone.now()
    rows = []
    for indicator_id, reading in readings.items():
        deadline = None
        if reading.figure is None and reading.period is not None:
            deadline = deadlines.get(reading.period.pk)
        rows.append(
            StoredReading(
                indicator_id=indicator_id,
                period=span,
                generation=generation.get(indicator_id, 0),
                calendar_generation=calendar,
                layout=LAYOUT,
                deadline=deadline,
                before_deadline=deadline is not None and today <= deadline,
                reading=pickle.dumps(kept_of(reading), protocol=pickle.HIGHEST_PROTOCOL),
                judged_at=now,
            )
        )
    unnumbered = [pk for pk in readings if pk not in generation]
    keep_rows(
        StoredReading,
        rows,
        unique=["indicator", "period"],
        unnumbered=unnumbered,
        what=f"Readings for {span}",
    )


# --- Kept histories (the indicator page) -----------------------------------------------------

# What draws a kept history: the SPC chart's figure and the "Every period" table.
HISTORY_TEMPLATES = (
    "components/chart.html",
    "scorecards/_every_period.html",
    "components/data_quality.html",
    "components/data_quality_note.html",
)


@functools.cache
def history_layout() -> int:
    """The layout number of a kept history (its templates are read once, when first asked)."""
    from charts import spc as spc_charts
    from scorecards.templatetags import scorecard_tags

    return layout_of(
        (rag, direction, quality),
        drawn_by=(*JUDGED_BY, spc_charts, svg, scorecard_tags),
        templates=HISTORY_TEMPLATES,
    )


def history_for(indicator_id: int, span: Period, *, today: date) -> tuple[str, str] | None:
    """The kept chart and table HTML of an indicator's history to `span`, if they still hold
    (one query)."""
    drawn = (
        StoredHistory.objects.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=today),
            Q(valid_until__isnull=True) | Q(valid_until__gte=today),
            indicator_id=indicator_id,
            period=span,
            layout=history_layout(),
            generation=F("indicator__reading_generation__number"),
            calendar_generation=Coalesce(Subquery(_calendar_now()), 0),
        )
        .values_list("drawn", flat=True)
        .first()
    )
    if drawn is None:
        return None
    chart, table = json.loads(zlib.decompress(drawn))
    return chart, table


def keep_history(
    indicator_id: int,
    span: Period,
    drawn: tuple[str, str],
    *,
    generation: dict[int, int],
    calendar: int,
    valid_from: date | None,
    valid_until: date | None,
) -> None:
    """Keep an indicator's freshly drawn history under the generations read before its
    inputs; like a reading, a saving, not a duty."""
    row = StoredHistory(
        indicator_id=indicator_id,
        period=span,
        generation=generation.get(indicator_id, 0),
        calendar_generation=calendar,
        layout=history_layout(),
        valid_from=valid_from,
        valid_until=valid_until,
        drawn=zlib.compress(json.dumps(list(drawn)).encode(), 1),
        judged_at=timezone.now(),
    )
    keep_rows(
        StoredHistory,
        [row],
        unique=["indicator", "period"],
        unnumbered=[] if indicator_id in generation else [indicator_id],
        what=f"The history of indicator {indicator_id}",
    )


def recalculations(ids: list[int], calendar) -> dict[int, list[SpcRecalculation]]:
    """Each indicator's current SPC recalculation points up to the calendar's end, in order,
    each with its period from the calendar (one query)."""
    found = defaultdict(list)
    current = SpcRecalculation.objects.filter(indicator_id__in=ids, removed_at__isnull=True)
    for recalculation in current.order_by("period__starts_on"):
        period = calendar.by_pk.get(recalculation.period_id)
        if period is not None:  # else it starts after the span: nothing to cut yet
            recalculation.period = period
            found[recalculation.indicator_id].append(recalculation)
    return found


# --- Changes ---------------------------------------------------------------------------------


def changed(indicator_ids: list[int] | None = None) -> None:
    """Once the change being made commits, have the worker judge again the kept readings of
    these indicators (None: every one). The database itself has already made them unused."""
    _refresh_after_commit(indicator_ids)


_pending = threading.local()


def _refresh_after_commit(indicator_ids: list[int] | None) -> None:
    """Ask the worker, once per transaction, to judge again what was changed."""
    waiting = getattr(_pending, "ids", None)
    if waiting is None:
        waiting = _pending.ids = set()
    waiting.update(indicator_ids if indicator_ids is not None else {None})
    transaction.on_commit(_send)


def _send() -> None:
    waiting = getattr(_pending, "ids", None)
    if not waiting:
        return
    _pending.ids = None
    from scorecards.tasks import refresh_readings

    ids = None if None in waiting else sorted(waiting)
    refresh_readings.enqueue(ids)


def refresh(indicator_ids: list[int] | None, *, today: date) -> int:
    """Judge again the kept readings of these indicators (None: all) that no longer hold,
    period by period; return how many."""
    from organisation.models import Council
    from scorecards.readings import read_indicators

    council = Council.objects.first()
    if council is None:
        return 0
    stale = StoredReading.objects.filter(
        ~Q(generation=F("indicator__reading_generation__number"))
        | ~Q(layout=LAYOUT)
        | ~Q(calendar_generation=calendar_generation())
    )
    if indicator_ids is not None:
        stale = stale.filter(indicator_id__in=indicator_ids)
    by_period = defaultdict(list)
    for indicator_id, period_id in stale.values_list("indicator_id", "period_id"):
        by_period[period_id].append(indicator_id)
    refreshed = 0
    for period in Period.objects.filter(pk__in=by_period).order_by("starts_on"):
        indicators = list(
            Indicator.objects.filter(pk__in=by_period[period.pk]).select_related(
                "first_period", "last_period"
            )
        )
        refreshed += len(read_indicators(indicators, period, today=today, council=council))
    return refreshed


def rebuild(periods, *, today: date) -> int:
    """Forget every kept reading and judge every indicator again for `periods`."""
    from organisation.models import Council
    from scorecards.queries import every_indicator
    from scorecards.readings import in_force, read_indicators

    council = Council.objects.first()
    StoredReading.objects.all().delete()
    StoredHistory.objects.all().delete()  # drawn again by the indicator page when next shown
    if council is None:
        return 0
    judged = 0
    for period in periods:
        found = in_force(every_indicator(), period)
        judged += len(
            read_indicators(found.indicators, period, today=today, council=council, in_force=found)
        )
    return judged


# What a reading is made of: a change to any of these rows changes its indicator's readings.
_BY_INDICATOR = (Value, "indicators.Target", IndicatorVersion, SpcRecalculation)
# … and a change to any of these, every indicator's.
_EVERYONE = ("indicators.ReportingCycle", Period, "organisation.Council")


def _one(sender, instance, **kwargs) -> None:
    changed([instance.indicator_id])


def _itself(sender, instance, **kwargs) -> None:
    changed([instance.pk])


def _everyone(sender, instance, **kwargs) -> None:
    changed(None)


def connect() -> None:
    from django.apps import apps

    def model(item):
        return apps.get_model(item) if isinstance(item, str) else item

    for signal in (post_save, post_delete):
        for item in _BY_INDICATOR:
            signal.connect(_one, sender=model(item), dispatch_uid=f"readings:{item}:{signal}")
        signal.connect(_itself, sender=Indicator, dispatch_uid=f"readings:indicator:{signal}")
        for item in _EVERYONE:
            signal.connect(_everyone, sender=model(item), dispatch_uid=f"readings:{item}:{signal}")
