"""What the indicator page draws of an indicator's past for a quarter: its SPC chart and its
"Every period" table (a reading for each of its own periods, judged as it was for that
period). Both are drawn once and kept (`stored.StoredHistory`) under the generations that
keep readings, so a page reads them back as HTML instead of judging ten years of periods and
drawing a hundred-point chart and two hundred-row tables on every request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from charts.spc import spc_chart
from indicators.models import Indicator, Period
from organisation.models import Council
from scorecards import stored
from scorecards.readings import Reading, in_force, indicator_history, read_afresh


@dataclass(frozen=True)
class History:
    chart: SafeString  # the SPC chart's figure ("" when there is nothing to draw)
    table: SafeString  # the "Every period" table and its data quality note


def history_of(indicator: Indicator, span: Period, *, today: date, council: Council) -> History:
    """The indicator's history to `span`, kept or drawn now and kept (one query when kept)."""
    kept = stored.history_for(indicator.pk, span, today=today)
    if kept is None:
        kept = _drawn(indicator, span, today=today, council=council)
    chart, table = kept
    # Drawn by our own templates from the database's figures, escaped as they were drawn.
    return History(chart=mark_safe(chart), table=mark_safe(table))


def _drawn(indicator: Indicator, span: Period, *, today: date, council: Council):
    # The generations before the inputs, and every input read again after them (as
    # `readings.read_indicators` does), so what is kept is never older than its generation.
    generation = stored.generations([indicator.pk])
    calendar = stored.calendar_generation()
    indicator = (
        Indicator.objects.select_related("first_period", "last_period")
        .filter(pk=indicator.pk)
        .first()
        or indicator
    )
    council = Council.objects.filter(pk=council.pk).first() or council
    drawn = draw(indicator, span, today=today, council=council)
    stored.keep_history(
        indicator.pk,
        span,
        (drawn.chart, drawn.table),
        generation=generation,
        calendar=calendar,
        valid_from=drawn.valid_from,
        valid_until=drawn.valid_until,
    )
    return drawn.chart, drawn.table


@dataclass(frozen=True)
class Drawn:
    chart: str
    table: str
    valid_from: date | None  # the days it holds on (`_between_deadlines`)
    valid_until: date | None


def draw(indicator: Indicator, span: Period, *, today: date, council: Council) -> Drawn:
    """The indicator's history to `span` drawn from the rules and their inputs, kept or not."""
    found = in_force([indicator], span)
    reading = read_afresh([indicator], span, today=today, council=council, in_force=found)[
        indicator.pk
    ]
    deadlines: dict[int, date] = {}
    rows = indicator_history(
        indicator, span, today=today, council=council, in_force=found, deadlines=deadlines
    )
    chart = ""
    if reading.series and indicator.pk in found.standings:
        chart = render_to_string("components/chart.html", {"chart": _chart(indicator, reading)})
    table = render_to_string(
        "scorecards/_every_period.html", {"history": rows, "title": reading.definition.title}
    )
    return Drawn(str(chart), str(table), *_between_deadlines(rows, deadlines, today))


def _chart(indicator: Indicator, reading: Reading):
    return spc_chart(
        title=f"{reading.definition.title}: statistical process control chart",
        points=list(reading.series),
        phases=reading.spc.phases,
        recalculations=tuple(r.reason for _, r in reading.spc_cuts),
        assurance=reading.spc.assurance,
        polarity=reading.definition.polarity,
        unit=reading.definition.unit,
        precision=reading.definition.precision,
        target=reading.spc_target,
        lower=reading.spc_lower,
        upper=reading.spc_upper,
        frequency=indicator.get_frequency_display().lower(),
    )


def _between_deadlines(
    rows: list[Reading], deadlines: dict[int, date], today: date
) -> tuple[date | None, date | None]:
    """The days on which every figure-less period stays on the side of its deadline it is on
    `today` (Pending up to and including the deadline, Missing after): from the day after the
    latest deadline passed to the earliest deadline still to come."""
    passed, coming = [], []
    for row in rows:
        deadline = deadlines.get(row.period.pk) if row.figure is None and row.period else None
        if deadline is not None:
            (passed if deadline < today else coming).append(deadline)
    return (
        max(passed) + timedelta(days=1) if passed else None,
        min(coming) if coming else None,
    )
