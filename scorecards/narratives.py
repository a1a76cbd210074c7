"""Writing the narrative that complements a directorate's or an ambition's scorecard."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from benchmarking.compared import compared_for
from indicators.models import Indicator, Period
from organisation.models import OrgUnit
from organisation.permissions import Action, require
from reports.content import TOKEN, fill_tokens
from scorecards.models import Narrative
from scorecards.readings import figure_period_label, read_indicators
from strategy.models import Ambition


def narrative_for(subject: OrgUnit | Ambition, period: Period) -> Narrative | None:
    field = "unit" if isinstance(subject, OrgUnit) else "ambition"
    return Narrative.objects.filter(**{field: subject}, period=period).first()


@transaction.atomic
def save_narrative(
    *,
    subject: OrgUnit | Ambition,
    period: Period,
    going_well: str,
    not_going_well: str,
    being_done: str,
    by,
) -> Narrative:
    """Create or replace the narrative for a directorate (or ambition) and period."""
    require(by, Action.WRITE_NARRATIVE, subject if isinstance(subject, OrgUnit) else None)
    field = "unit" if isinstance(subject, OrgUnit) else "ambition"
    narrative, _ = Narrative.objects.select_for_update().update_or_create(
        **{field: subject},
        period=period,
        defaults={
            "going_well": going_well.strip(),
            "not_going_well": not_going_well.strip(),
            "being_done": being_done.strip(),
            "written_by": by,
            "updated_at": timezone.now(),
        },
    )
    return narrative


@dataclass(frozen=True)
class _TokenValues:
    """What a live-figure token can name, from a reading (the same words a report uses)."""

    figure_shown: str
    target_shown: str
    rag_label: str
    direction_label: str
    period: str
    last_year_shown: str
    compared: dict | None


def narrative_with_figures(
    narrative: Narrative, *, period: Period, today: date, council
) -> dict[str, str]:
    """The narrative's parts with their live-figure tokens ("[value:WST-01]") filled in from
    the signed-off readings for the period, as a report fills them; an unknown code is left
    as typed. Reads only when a token is present."""
    parts = {
        "going_well": narrative.going_well,
        "not_going_well": narrative.not_going_well,
        "being_done": narrative.being_done,
    }
    codes = {code for text in parts.values() for _what, code in TOKEN.findall(text)}
    if not codes:
        return parts
    indicators = list(Indicator.objects.filter(code__in=codes))
    readings = read_indicators(indicators, period, today=today, council=council)
    compared = compared_for(readings, council=council, ends_by=period.ends_on)
    values = {
        i.code: _TokenValues(
            figure_shown=r.figure_shown,
            target_shown=r.target_shown,
            rag_label=r.rag.label,
            direction_label=r.direction.label,
            period=figure_period_label(r, period),
            last_year_shown=r.last_year_shown,
            compared=compared[i.pk].as_dict() if i.pk in compared else None,
        )
        for i in indicators
        for r in [readings[i.pk]]
    }
    return {name: fill_tokens(text, values) for name, text in parts.items()}
