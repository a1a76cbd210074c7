"""The risks shown beside the figures: a directorate's heat map and highest risks, and the
risks linked to an indicator, an ambition or an outcome. Signed-off reviews only, as at the
period's end (panels take no reader, so they show what anyone signed in may see)."""

from __future__ import annotations

from urllib.parse import urlencode

from indicators.models import Indicator, Period
from organisation.models import OrgUnit
from risks.bands import council_bands
from risks.queries import heat_map, highest, register
from scorecards.panels import Panel
from strategy.models import Ambition, Outcome


def directorate_panel(directorate: OrgUnit, period: Period) -> Panel | None:
    """The directorate's heat map of current scores and its five highest risks."""
    rows = register(on=period.ends_on, within_units=[directorate.pk])
    if not rows:
        return None
    bands = council_bands()
    return Panel(
        title="Risks",
        anchor="risks",
        template="risks/_directorate_panel.html",
        context={
            "heat_map": heat_map(rows, bands),
            "highest": highest(rows),
            "bands": bands,
            "count": len(rows),
            "query": urlencode({"unit": directorate.pk, "period": period.code}),
            "caption": f"Current scores of {directorate.name}'s risks, {period.label}",
            "period": period,
        },
    )


def indicator_panel(indicator: Indicator, period: Period) -> Panel | None:
    """The risks linked to the indicator, with their current scores."""
    rows = register(on=period.ends_on, indicator=indicator)
    if not rows:
        return None
    return Panel(
        title="Risks",
        anchor="risks",
        template="risks/_indicator_panel.html",
        context={"rows": rows, "period": period, "indicator": indicator},
    )


def theme_panel(theme, period: Period) -> Panel | None:
    """The risks to an ambition (through its outcomes) or an outcome, highest first."""
    if isinstance(theme, Ambition):
        outcome_ids = Outcome.objects.filter(ambition=theme).values_list("pk", flat=True)
    else:
        outcome_ids = [theme.pk]
    rows = register(on=period.ends_on, outcomes=outcome_ids)
    if not rows:
        return None
    return Panel(
        title="Risks",
        anchor="risks",
        template="risks/_theme_panel.html",
        context={
            "rows": highest(rows, count=len(rows)) + [r for r in rows if r.latest is None],
            "caption": f"Risks to {theme.title}, {period.label}, highest first",
        },
    )
